/**
 * Permutations of structurally identical units (hidden neurons, channels, heads, particles): unit i
 * of the result holds what unit perm[i] held. Valid for every activation, since a permutation
 * only relabels the summands of the next layer.
 */
import { type Key, permutation } from "../core/random.ts";
import { linearAssignment } from "./hungarian.ts";
import type { PermComponent } from "./types.ts";

export function permAct(c: PermComponent, theta: Float64Array, perm: Int32Array): void {
  if (perm.length !== c.units.length)
    throw new Error(`${c.name}: permutation of ${perm.length} for ${c.units.length} units`);
  const seen = new Uint8Array(perm.length);
  for (const v of perm) {
    if (!(v >= 0 && v < perm.length) || seen[v])
      throw new Error(`${c.name}: [${Array.from(perm)}] is not a permutation`);
    seen[v] = 1;
  }
  const old = c.units.map((u) => Float64Array.from(u, (i) => theta[i]));
  c.units.forEach((u, i) => {
    const src = old[perm[i]];
    for (let k = 0; k < u.length; k++) theta[u[k]] = src[k];
  });
}

export function permRandom(c: PermComponent, key: Key): Int32Array {
  return permutation(key, c.units.length);
}

/**
 * Canonical order: units by decreasing ‖unit‖² (invariant under the permutations of the other
 * components, which only reorder a unit's entries), ties broken lexicographically by the values.
 */
export function permCanonicalOrder(c: PermComponent, theta: Float64Array): Int32Array {
  const vals = c.units.map((u) => Float64Array.from(u, (i) => theta[i]));
  const keys = vals.map((v) => v.reduce((s, x) => s + x * x, 0));
  const order = Array.from({ length: c.units.length }, (_, i) => i).sort((a, b) => {
    if (keys[a] !== keys[b]) return keys[b] - keys[a];
    for (let k = 0; k < vals[a].length; k++) if (vals[a][k] !== vals[b][k]) return vals[b][k] - vals[a][k];
    return a - b;
  });
  return Int32Array.from(order);
}

/**
 * The permutation π maximising Σ_i ⟨a_unit_i, b_unit_π(i)⟩ (weight matching), so that
 * permAct(c, b, π) lines b's units up with a's.
 */
export function permMatch(c: PermComponent, a: Float64Array, b: Float64Array): Int32Array {
  const n = c.units.length;
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ui = c.units[i];
    for (let j = 0; j < n; j++) {
      const uj = c.units[j];
      let s = 0;
      for (let k = 0; k < ui.length; k++) s += a[ui[k]] * b[uj[k]];
      C[i * n + j] = -s;
    }
  }
  return linearAssignment(C, n);
}
