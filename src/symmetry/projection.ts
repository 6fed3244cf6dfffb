/**
 * The horizontal projector at θ (docs/theory.md §d.0): with the generators Ξ = [ξ_1 … ξ_k] spanning the
 * vertical space V_θ and a metric M (identity, or a positive diagonal),
 *
 *   P_H v = v − Ξ (ΞᵀMΞ)⁻¹ ΞᵀM v,
 *
 * the M-orthogonal projection onto H_θ = {h : ⟨h, ξ⟩_M = 0 ∀ξ ∈ V_θ}. Generators are normalised
 * and dependent ones (a dead neuron's zero field, rank-deficient heads) are dropped by a pivoted
 * Cholesky of the Gram matrix, so (ΞᵀMΞ)⁻¹ is only ever formed on an independent set. Generators
 * with disjoint supports are M-orthogonal, so the Gram matrix is block diagonal over the connected
 * groups of generators (a head's GL block, a layer's neurons one by one, …) and is factored per block.
 */
import { pivotedCholesky, choleskySolve } from "../linalg/dense.ts";
import type { Tree } from "../core/tree.ts";
import { type Layout, flatten, toTree } from "./layout.ts";
import type { HorizontalProjector, SparseVector } from "./types.ts";

export function makeProjector(
  layout: Layout,
  generators: readonly SparseVector[],
  metric?: Float64Array,
): HorizontalProjector {
  const n = layout.n;
  const M = metric ?? new Float64Array(n).fill(1);
  for (let i = 0; i < n; i++)
    if (!(M[i] > 0) || !Number.isFinite(M[i]))
      throw new Error(`horizontal projection: metric entry ${i} is ${M[i]} (must be finite and > 0)`);
  // Normalise each generator in the M-norm; drop exact zeros.
  const gens: SparseVector[] = [];
  for (const g of generators) {
    let s = 0;
    for (let k = 0; k < g.idx.length; k++) s += M[g.idx[k]] * g.val[k] * g.val[k];
    if (s > 0) gens.push({ idx: g.idx, val: Float64Array.from(g.val, (x) => x / Math.sqrt(s)) });
  }
  // Generators with disjoint supports are orthogonal: split them into connected blocks (union–find
  // on shared coordinates) and factor each block's Gram matrix on its own.
  const buf = new Float64Array(n);
  const blocks = connectedBlocks(gens, n).map((members) => {
    const k = members.length;
    const G = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      const gi = gens[members[i]];
      for (let t = 0; t < gi.idx.length; t++) buf[gi.idx[t]] += M[gi.idx[t]] * gi.val[t];
      for (let j = i; j < k; j++) {
        const gj = gens[members[j]];
        let s = 0;
        for (let t = 0; t < gj.idx.length; t++) s += buf[gj.idx[t]] * gj.val[t];
        G[i * k + j] = G[j * k + i] = s;
      }
      for (let t = 0; t < gi.idx.length; t++) buf[gi.idx[t]] = 0;
    }
    const { pivots, L } = pivotedCholesky(G, k, 1e-13);
    return { basis: pivots.map((q) => gens[members[q]]), L };
  });
  const r = blocks.reduce((s, b) => s + b.basis.length, 0);
  const projectFlat = (v: Float64Array): Float64Array => {
    if (v.length !== n) throw new Error(`horizontal projection: vector of ${v.length} for ${n} parameters`);
    const out = Float64Array.from(v);
    for (const { basis, L } of blocks) {
      const c = Float64Array.from(basis, (g) => {
        let s = 0;
        for (let t = 0; t < g.idx.length; t++) s += g.val[t] * M[g.idx[t]] * v[g.idx[t]];
        return s;
      });
      const y = choleskySolve(L, basis.length, c);
      basis.forEach((g, i) => {
        for (let t = 0; t < g.idx.length; t++) out[g.idx[t]] -= y[i] * g.val[t];
      });
    }
    return out;
  };
  return {
    verticalRank: r,
    horizontalDim: n - r,
    projectFlat,
    project: (v: Tree) => toTree(layout, projectFlat(flatten(layout, v, "tangent vector"))),
  };
}

/** Groups of generator indices whose supports are connected through shared coordinates. */
function connectedBlocks(gens: readonly SparseVector[], n: number): number[][] {
  const parent = Int32Array.from(gens, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const owner = new Int32Array(n).fill(-1);
  gens.forEach((g, i) => {
    for (const k of g.idx) {
      if (owner[k] < 0) owner[k] = i;
      else {
        const a = find(owner[k]),
          b = find(i);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const groups = new Map<number, number[]>();
  gens.forEach((_, i) => {
    const root = find(i);
    const list = groups.get(root);
    if (list) list.push(i);
    else groups.set(root, [i]);
  });
  return [...groups.values()];
}

/** Dense trees from sparse generators. */
export function denseGenerators(layout: Layout, gens: readonly SparseVector[]): Tree[] {
  return gens.map((g) => {
    const v = new Float64Array(layout.n);
    for (let t = 0; t < g.idx.length; t++) v[g.idx[t]] += g.val[t];
    return toTree(layout, v);
  });
}
