/**
 * Positive rescaling units (types.ts): (in_j, out_j) ↦ (α_j in_j, out_j/α_j). Valid where the
 * unit's output passes through a positively homogeneous map: σ(αz) = ασ(z) for α > 0 holds for
 * relu, leaky-relu and identity (and max-pooling commutes with it), not for tanh or gelu; and for a
 * layer-norm feature i, whose output γ_i n_i + β_i enters the next linear map only linearly.
 */
import { type Key, uniformArray } from "../core/random.ts";
import type { ScaleComponent, SparseVector, NamedInvariant } from "./types.ts";

function sq(theta: Float64Array, idx: Int32Array): number {
  let s = 0;
  for (let k = 0; k < idx.length; k++) s += theta[idx[k]] * theta[idx[k]];
  return s;
}

function scaleBy(theta: Float64Array, idx: Int32Array, a: number): void {
  for (let k = 0; k < idx.length; k++) theta[idx[k]] *= a;
}

export function scaleAct(c: ScaleComponent, theta: Float64Array, alpha: Float64Array): void {
  if (alpha.length !== c.units.length)
    throw new Error(`${c.name}: ${alpha.length} scalings for ${c.units.length} units`);
  c.units.forEach((u, j) => {
    if (!(alpha[j] > 0) || !Number.isFinite(alpha[j]))
      throw new Error(`${c.name}: scaling ${j} is ${alpha[j]} (must be finite and > 0)`);
    scaleBy(theta, u.in, alpha[j]);
    scaleBy(theta, u.out, 1 / alpha[j]);
  });
}

/** ξ_j = (+in_j; −out_j): the fundamental field of α_j = e^s at s = 0. */
export function scaleGenerators(c: ScaleComponent, theta: Float64Array): SparseVector[] {
  return c.units.map((u) => {
    const idx = new Int32Array(u.in.length + u.out.length);
    idx.set(u.in);
    idx.set(u.out, u.in.length);
    const val = Float64Array.from(idx, (i, k) => (k < u.in.length ? theta[i] : -theta[i]));
    return { idx, val };
  });
}

/** c_j = ‖in_j‖² − ‖out_j‖² = θᵀK_jθ with K_j = diag(+1 on in_j, −1 on out_j) (symmetric ⇒ conserved). */
export function scaleCharges(c: ScaleComponent, theta: Float64Array): Float64Array {
  return Float64Array.from(c.units, (u) => sq(theta, u.in) - sq(theta, u.out));
}

/**
 * Balances every unit in place: α_j = (‖out_j‖/‖in_j‖)^{1/2} minimises α²‖in‖² + ‖out‖²/α² (to
 * 2‖in‖‖out‖, where c_j = 0). A unit with one side exactly zero contributes nothing to the
 * function (σ(0) = 0), and its orbit's infimum norm is 0: both sides are set to zero (the limit
 * point of the orbit, same function).
 */
export function scaleBalance(c: ScaleComponent, theta: Float64Array): void {
  for (const u of c.units) {
    const a = sq(theta, u.in),
      b = sq(theta, u.out);
    if (a === 0 || b === 0) {
      scaleBy(theta, u.in, 0);
      scaleBy(theta, u.out, 0);
      continue;
    }
    const alpha = Math.sqrt(Math.sqrt(b) / Math.sqrt(a));
    scaleBy(theta, u.in, alpha);
    scaleBy(theta, u.out, 1 / alpha);
  }
}

/** max_j |c_j| / (‖in_j‖² + ‖out_j‖²). */
export function scaleImbalance(c: ScaleComponent, theta: Float64Array): number {
  let worst = 0;
  for (const u of c.units) {
    const a = sq(theta, u.in),
      b = sq(theta, u.out);
    if (a + b > 0) worst = Math.max(worst, Math.abs(a - b) / (a + b));
  }
  return worst;
}

/** α_j log-uniform in [1/r, r]. */
export function scaleRandom(c: ScaleComponent, key: Key, r: number): Float64Array {
  const u = uniformArray(key, c.units.length);
  return Float64Array.from(u, (x) => Math.exp((2 * x - 1) * Math.log(r)));
}

/** Orbit-minimal norm of the component's coordinates alone: min_α Σ_j α_j²‖in_j‖² + ‖out_j‖²/α_j² = 2 Σ_j ‖in_j‖‖out_j‖. */
export function scaleBalancedNorm(c: ScaleComponent, theta: Float64Array): number {
  let s = 0;
  for (const u of c.units) s += 2 * Math.sqrt(sq(theta, u.in) * sq(theta, u.out));
  return s;
}

/** The invariant rank-one products out_j ⊗ in_j (e.g. a_j·(w_j, b_j)), shape [units, |out|, |in|]. */
export function scaleProducts(c: ScaleComponent, theta: Float64Array): NamedInvariant {
  const no = c.units[0]?.out.length ?? 0,
    ni = c.units[0]?.in.length ?? 0;
  const data = new Float64Array(c.units.length * no * ni);
  c.units.forEach((u, j) => {
    for (let o = 0; o < no; o++)
      for (let i = 0; i < ni; i++) data[(j * no + o) * ni + i] = theta[u.out[o]] * theta[u.in[i]];
  });
  return {
    name: `${c.name}.product`,
    shape: [c.units.length, no, ni],
    data,
    ...(c.permutedBy ? { permutedBy: c.permutedBy } : {}),
  };
}
