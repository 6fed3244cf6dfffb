/**
 * Composes a model family's components (types.ts) into one SymmetryGroup over its param trees.
 * The group is the product of the components; an element acts continuous components first (in the
 * spec's order), then permutations. Closed-form invariants are emitted only where they are exact:
 * a component's products (out ⊗ in, XᵀY) are invariant under the whole group only if no other
 * continuous component touches its coordinates — detected here from the index sets.
 */
import { Tensor } from "../core/tensor.ts";
import { type Key, split } from "../core/random.ts";
import type { Tree } from "../core/tree.ts";
import { type Layout, layoutOf, flatten, toTree } from "./layout.ts";
import type {
  Alignment,
  CanonicalForm,
  Component,
  ComponentElement,
  GroupElement,
  GroupSpec,
  NamedInvariant,
  RandomElementOptions,
  SparseVector,
  SymmetryGroup,
} from "./types.ts";
import { scaleAct, scaleBalancedNorm, scaleCharges, scaleGenerators, scaleProducts, scaleRandom } from "./scale.ts";
import { glAct, glCharges, glGenerators, glNuclear2, glProducts, glRandom } from "./gl.ts";
import { permAct, permMatch, permRandom } from "./perm.ts";
import { inverse } from "../linalg/dense.ts";
import { balance, sortUnits } from "./canonical.ts";
import { makeProjector, denseGenerators } from "./projection.ts";

function componentDim(c: Component): number {
  return c.kind === "scale" ? c.units.length : c.kind === "gl" ? c.n * c.n * c.pairs.length : 0;
}

function support(c: Component, n: number): Uint8Array {
  const m = new Uint8Array(n);
  const mark = (idx: Int32Array) => {
    for (let k = 0; k < idx.length; k++) m[idx[k]] = 1;
  };
  if (c.kind === "scale")
    c.units.forEach((u) => {
      mark(u.in);
      mark(u.out);
    });
  else if (c.kind === "gl")
    c.pairs.forEach((p) => {
      mark(p.X.idx);
      mark(p.Y.idx);
    });
  else c.units.forEach(mark);
  return m;
}

export function sparseGenerators(components: readonly Component[], theta: Float64Array): SparseVector[] {
  return components.flatMap((c) =>
    c.kind === "scale" ? scaleGenerators(c, theta) : c.kind === "gl" ? glGenerators(c, theta) : [],
  );
}

/** Reorders axis 0 of an invariant by a permutation (new i = old perm[i]). */
function reorder(inv: NamedInvariant, perm: Int32Array | undefined): NamedInvariant {
  if (!perm) return inv;
  const row = inv.data.length / inv.shape[0];
  const data = new Float64Array(inv.data.length);
  perm.forEach((src, i) => data.set(inv.data.subarray(src * row, (src + 1) * row), i * row));
  return { ...inv, data };
}

function applyElement(components: readonly Component[], theta: Float64Array, g: GroupElement): void {
  const known = new Set(components.map((c) => c.name));
  for (const name of Object.keys(g))
    if (!known.has(name)) throw new Error(`group element names unknown component "${name}"`);
  const ordered = [...components.filter((c) => c.kind !== "perm"), ...components.filter((c) => c.kind === "perm")];
  for (const c of ordered) {
    const e: ComponentElement | undefined = g[c.name];
    if (!e) continue;
    if (e.kind !== c.kind) throw new Error(`group element for "${c.name}" is of kind ${e.kind}, expected ${c.kind}`);
    if (c.kind === "scale" && e.kind === "scale") scaleAct(c, theta, e.alpha);
    else if (c.kind === "gl" && e.kind === "gl") glAct(c, theta, e.A, e.Ainv ?? e.A.map((a) => inverse(a, c.n)));
    else if (c.kind === "perm" && e.kind === "perm") permAct(c, theta, e.perm);
  }
}

export function composeGroup(spec: GroupSpec, template: Tree): SymmetryGroup {
  const layout: Layout = layoutOf(template);
  const comps = spec.components;
  const continuous = comps.filter((c) => c.kind !== "perm");
  const masks = comps.map((c) => support(c, layout.n));
  // Exact closed forms: components whose support no other continuous component touches.
  const exact = comps.map(
    (c, i) =>
      c.kind !== "perm" &&
      continuous.every((o) => o === c || !masks[comps.indexOf(o)].some((v, k) => v && masks[i][k])),
  );
  const touched = new Uint8Array(layout.n);
  masks.forEach((m) =>
    m.forEach((v, k) => {
      if (v) touched[k] = 1;
    }),
  );
  const untouchedLeaves = layout.names.filter((_, li) => {
    const size = layout.shapes[li].reduce((a, b) => a * b, 1);
    for (let k = 0; k < size; k++) if (touched[layout.offsets[li] + k]) return false;
    return true;
  });

  // Leaves no closed form describes: reported as their values at the canonical representative.
  const exactCover = new Uint8Array(layout.n);
  comps.forEach((_, i) => {
    if (exact[i])
      masks[i].forEach((v, k) => {
        if (v) exactCover[k] = 1;
      });
  });
  const covered = new Set(spec.coveredLeaves ?? []);
  const canonicalLeaves = layout.names.filter((name, li) => {
    if (untouchedLeaves.includes(name) || covered.has(name)) return false;
    const size = layout.shapes[li].reduce((a, b) => a * b, 1);
    for (let k = 0; k < size; k++) if (!exactCover[layout.offsets[li] + k]) return true;
    return false;
  });

  const canonicalForm = (params: Tree): CanonicalForm => {
    const theta = flatten(layout, params);
    const { sweeps, imbalance } = balance(comps, theta);
    const perms = sortUnits(comps, theta);
    return { params: toTree(layout, theta), perms, sweeps, imbalance };
  };

  const group: SymmetryGroup = {
    name: spec.name,
    description: spec.description,
    dim: comps.reduce((s, c) => s + componentDim(c), 0),
    components: comps.map((c) => ({
      name: c.name,
      kind: c.kind,
      dim: componentDim(c),
      units: c.kind === "gl" ? c.pairs.length : c.units.length,
      description: c.description,
    })),
    layout,
    broken: spec.broken ?? [],
    identity: () => ({}),
    randomElement(key: Key, opts: RandomElementOptions = {}): GroupElement {
      const r = opts.logRange ?? 100;
      if (!(r >= 1) || !Number.isFinite(r))
        throw new Error(`randomElement: logRange must be a finite number ≥ 1, got ${r}`);
      const keys = split(key, comps.length);
      const g: GroupElement = {};
      comps.forEach((c, i) => {
        if (c.kind === "scale") g[c.name] = { kind: "scale", alpha: scaleRandom(c, keys[i], r) };
        else if (c.kind === "gl") g[c.name] = { kind: "gl", ...glRandom(c, keys[i], r) };
        else if (opts.permute ?? true) g[c.name] = { kind: "perm", perm: permRandom(c, keys[i]) };
      });
      return g;
    },
    act(params, g) {
      const theta = flatten(layout, params);
      applyElement(comps, theta, g);
      return toTree(layout, theta);
    },
    generators: (params) => denseGenerators(layout, sparseGenerators(comps, flatten(layout, params))),
    horizontalProjector: (params, opts = {}) =>
      makeProjector(
        layout,
        sparseGenerators(comps, flatten(layout, params)),
        opts.metric ? flatten(layout, opts.metric, "metric") : undefined,
      ),
    horizontalProject: (params, v, opts = {}) => group.horizontalProjector(params, opts).project(v),
    invariants(params, known) {
      const theta = flatten(layout, params);
      const cf = known ?? canonicalForm(params);
      const perms = cf.perms;
      const list: NamedInvariant[] = [];
      comps.forEach((c, i) => {
        if (!exact[i]) return;
        if (c.kind === "scale" && c.units.length) list.push(scaleProducts(c, theta));
        if (c.kind === "gl" && c.pairs.length) list.push(glProducts(c, theta));
      });
      if (spec.extraInvariants) list.push(...spec.extraInvariants(theta));
      for (const name of untouchedLeaves) {
        const li = layout.names.indexOf(name);
        const size = layout.shapes[li].reduce((a, b) => a * b, 1);
        list.push({
          name,
          shape: [...layout.shapes[li]],
          data: theta.slice(layout.offsets[li], layout.offsets[li] + size),
        });
      }
      const thetaC = flatten(layout, cf.params);
      for (const name of canonicalLeaves) {
        const li = layout.names.indexOf(name);
        const size = layout.shapes[li].reduce((a, b) => a * b, 1);
        list.push({
          name: `canonical.${name}`,
          shape: [...layout.shapes[li]],
          data: thetaC.slice(layout.offsets[li], layout.offsets[li] + size),
        });
      }
      const out: Record<string, Tensor> = {};
      for (const inv of list) {
        const r = reorder(inv, inv.permutedBy ? perms[inv.permutedBy] : undefined);
        out[r.name] = new Tensor(r.data, r.shape);
      }
      return out;
    },
    canonicalize: (params) => canonicalForm(params).params,
    canonicalForm,
    balancedNorms(params) {
      const theta = flatten(layout, params);
      const out: Record<string, number> = {};
      for (const c of comps) if (c.kind === "scale") out[c.name] = scaleBalancedNorm(c, theta);
      return out;
    },
    nuclearNorms(params) {
      const theta = flatten(layout, params);
      const out: Record<string, number> = {};
      for (const c of comps)
        if (c.kind === "gl")
          glNuclear2(c, theta).forEach((v, h) => {
            out[`${c.name}.${h}`] = v;
          });
      return out;
    },
    charges(params) {
      const theta = flatten(layout, params);
      const out: Record<string, Tensor> = {};
      for (const c of comps) {
        if (c.kind === "scale") out[c.name] = new Tensor(scaleCharges(c, theta), [c.units.length]);
        else if (c.kind === "gl") out[c.name] = new Tensor(glCharges(c, theta), [c.pairs.length, c.n, c.n]);
      }
      return out;
    },
    align(a, b): Alignment {
      const ta = flatten(layout, a, "first network"),
        tb0 = flatten(layout, b, "second network");
      const ca = Float64Array.from(ta),
        cb = Float64Array.from(tb0);
      balance(comps, ca);
      balance(comps, cb);
      const perms = comps.filter((c) => c.kind === "perm");
      const total = new Map(perms.map((c) => [c.name, Int32Array.from({ length: c.units.length }, (_, i) => i)]));
      // Coordinate ascent on the weight-matching objective Σ⟨a, π·b⟩: each step is an exact assignment.
      for (let sweep = 0; sweep < 10; sweep++) {
        let changed = false;
        for (const c of perms) {
          const pi = permMatch(c, ca, cb);
          if (pi.some((v, i) => v !== i)) changed = true;
          permAct(c, cb, pi);
          const t = total.get(c.name) as Int32Array;
          total.set(
            c.name,
            Int32Array.from(pi, (src) => t[src]),
          );
        }
        if (!changed) break;
      }
      const element: GroupElement = {};
      for (const [name, perm] of total) element[name] = { kind: "perm", perm };
      const aligned = group.act(b, element);
      const ta2 = flatten(layout, aligned);
      const dist = (x: Float64Array) => Math.sqrt(x.reduce((s, v, i) => s + (v - ta[i]) ** 2, 0));
      return { element, aligned, distanceBefore: dist(tb0), distanceAfter: dist(ta2) };
    },
  };
  return group;
}
