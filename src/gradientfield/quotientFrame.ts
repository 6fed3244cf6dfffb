/**
 * Quotient coordinates and the local frame of a chart point (docs/gradient-field.md §coordinates).
 *
 * Invariant coordinates v = φ(θ) are the group's closed-form invariants (products out ⊗ in,
 * W_Q W_Kᵀ, W_V W_O per head, untouched leaves), in the units' stored order, concatenated. They are
 * polynomials of degree ≤ 2 in θ, so the centred differences that build the Jacobian Dφ (m × n,
 * stored by columns, sparse) are exact up to rounding.
 *
 * A chart s ↦ θ(s) (k = 2 for the tests) has tangents T = ∂θ/∂s. At a chart point the frame holds
 *   P = Dφ T                 (m × k): the chart's tangents in invariant coordinates;
 *   Q = (Dφᵀ)⁺ T = M⁺ P      (m × k), M = Dφ Dφᵀ, by CGLS (min-norm least squares);
 * so that a quotient displacement Δv gives the 1-forms PᵀΔv (Euclidean metric on v) and QᵀΔv (the
 * metric M⁻¹ that gradient flow induces on the quotient). For gradient flow Δv = Dφ θ̇ = −Dφ∇L and
 * QᵀΔv = −Tᵀ P_H ∇L = −∂_s L(θ(s)): an exact gradient, whatever the representative.
 */
import type { Tree } from "../core/tree.ts";
import { unravel } from "../core/tree.ts";
import type { SymmetryGroup } from "../symmetry/index.ts";
import { InputError } from "../errors.ts";

export interface InvariantMap {
  /** Number of invariant coordinates. */
  readonly m: number;
  readonly names: readonly string[];
  map(theta: Float64Array): Float64Array;
}

/**
 * v = φ(θ) from the group's closed-form invariants, units kept in their stored order (no canonical
 * re-sorting, so φ is smooth). InputError when some leaf is described only by its canonical value
 * (deep nets, overlapping symmetry blocks): those coordinates need a canonicalisation per point.
 */
export function invariantMap(group: SymmetryGroup, template: Tree): InvariantMap {
  const probe = (theta: Float64Array) => {
    const params = unravel(template, theta);
    return group.invariants(params, { params, perms: {}, sweeps: 0, imbalance: 0 });
  };
  const first = probe(new Float64Array(group.layout.n).fill(1));
  const names = Object.keys(first);
  const canonicalOnly = names.filter((n) => n.startsWith("canonical."));
  if (canonicalOnly.length)
    throw new InputError(
      `quotient coordinates: ${canonicalOnly.join(", ")} have no closed-form ` +
        `invariant (${group.name}); use a model whose symmetry blocks ` +
        `do not overlap`,
    );
  const sizes = names.map((n) => first[n].size);
  const m = sizes.reduce((a, b) => a + b, 0);
  return {
    m,
    names,
    map(theta) {
      const inv = probe(theta);
      const out = new Float64Array(m);
      let off = 0;
      names.forEach((n, i) => {
        out.set(inv[n].data, off);
        off += sizes[i];
      });
      return out;
    },
  };
}

/** An m × n Jacobian stored by columns (CSC): column i = ∂φ/∂θ_i. */
export interface SparseJacobian {
  m: number;
  n: number;
  colPtr: Int32Array;
  rowIdx: Int32Array;
  val: Float64Array;
}

/** Dφ(θ) by centred differences, step εᵢ = 10⁻³(1 + |θᵢ|) (exact for invariants of degree ≤ 2). */
export function invariantJacobian(phi: InvariantMap, theta: Float64Array): SparseJacobian {
  const n = theta.length;
  const colPtr = new Int32Array(n + 1);
  const rows: number[] = [];
  const vals: number[] = [];
  const t = Float64Array.from(theta);
  for (let i = 0; i < n; i++) {
    const eps = 1e-3 * (1 + Math.abs(theta[i]));
    t[i] = theta[i] + eps;
    const fp = phi.map(t);
    t[i] = theta[i] - eps;
    const fm = phi.map(t);
    t[i] = theta[i];
    for (let r = 0; r < fp.length; r++) {
      const d = fp[r] - fm[r];
      if (d !== 0) {
        rows.push(r);
        vals.push(d / (2 * eps));
      }
    }
    colPtr[i + 1] = rows.length;
  }
  return { m: phi.m, n, colPtr, rowIdx: Int32Array.from(rows), val: Float64Array.from(vals) };
}

/** Dφ·t (an m-vector). */
export function jvp(J: SparseJacobian, t: ArrayLike<number>): Float64Array {
  const out = new Float64Array(J.m);
  for (let i = 0; i < J.n; i++) {
    const ti = t[i];
    if (ti === 0) continue;
    for (let k = J.colPtr[i]; k < J.colPtr[i + 1]; k++) out[J.rowIdx[k]] += J.val[k] * ti;
  }
  return out;
}

/** Dφᵀ·u (an n-vector). */
export function vjp(J: SparseJacobian, u: ArrayLike<number>): Float64Array {
  const out = new Float64Array(J.n);
  for (let i = 0; i < J.n; i++) {
    let s = 0;
    for (let k = J.colPtr[i]; k < J.colPtr[i + 1]; k++) s += J.val[k] * u[J.rowIdx[k]];
    out[i] = s;
  }
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * The min-norm least-squares solution q of Dφᵀq ≈ t (q = (Dφᵀ)⁺t) by CGLS from q = 0, stopping
 * when ‖Dφ(t − Dφᵀq)‖ ≤ tol·‖Dφ t‖.
 */
export function pinvTransposeApply(J: SparseJacobian, t: ArrayLike<number>, tol = 1e-12): Float64Array {
  const q = new Float64Array(J.m);
  const r = Float64Array.from(t);
  let s = jvp(J, r);
  const p = Float64Array.from(s);
  let gamma = dot(s, s);
  const stop = tol * tol * gamma;
  for (let it = 0; it < 4 * Math.min(J.m, J.n) + 20 && gamma > stop && gamma > 0; it++) {
    const w = vjp(J, p);
    const ww = dot(w, w);
    if (!(ww > 0)) break;
    const a = gamma / ww;
    for (let i = 0; i < q.length; i++) q[i] += a * p[i];
    for (let i = 0; i < r.length; i++) r[i] -= a * w[i];
    s = jvp(J, r);
    const g2 = dot(s, s);
    const beta = g2 / gamma;
    gamma = g2;
    for (let i = 0; i < p.length; i++) p[i] = s[i] + beta * p[i];
  }
  return q;
}

/** A chart s ↦ θ(s) of parameter space (its image is a k-dimensional family of orbits). */
export interface Chart {
  readonly dim: number;
  readonly n: number;
  readonly description: string;
  lift(s: Float64Array): Float64Array;
  /** ∂θ/∂s_i (k vectors of length n); centred differences of `lift` when absent. */
  tangent?(s: Float64Array): Float64Array[];
}

/** θ(s) = θ₀ + Σᵢ sᵢ dᵢ. */
export function affineChart(theta0: Float64Array, dirs: readonly Float64Array[], description: string): Chart {
  const n = theta0.length;
  return {
    dim: dirs.length,
    n,
    description,
    lift(s) {
      const out = Float64Array.from(theta0);
      dirs.forEach((d, i) => {
        for (let j = 0; j < n; j++) out[j] += s[i] * d[j];
      });
      return out;
    },
    tangent: () => dirs.map((d) => Float64Array.from(d)),
  };
}

export function chartTangents(chart: Chart, s: Float64Array): Float64Array[] {
  if (chart.tangent) return chart.tangent(s);
  return Array.from({ length: chart.dim }, (_, i) => {
    const h = 1e-6 * (1 + Math.abs(s[i]));
    const sp = Float64Array.from(s),
      sm = Float64Array.from(s);
    sp[i] += h;
    sm[i] -= h;
    const a = chart.lift(sp),
      b = chart.lift(sm);
    return a.map((v, j) => (v - b[j]) / (2 * h));
  });
}

export interface Frame {
  theta: Float64Array;
  T: Float64Array[];
  /** Present when invariant coordinates are in use. */
  v?: Float64Array;
  J?: SparseJacobian;
  P?: Float64Array[];
  Q?: Float64Array[];
}

/** The frame of chart point s (θ, T and, given invariants, v, Dφ, P and Q). */
export function frameAt(chart: Chart, s: Float64Array, phi: InvariantMap | null): Frame {
  const theta = chart.lift(s);
  const T = chartTangents(chart, s);
  if (!phi) return { theta, T };
  const J = invariantJacobian(phi, theta);
  return {
    theta,
    T,
    v: phi.map(theta),
    J,
    P: T.map((t) => jvp(J, t)),
    Q: T.map((t) => pinvTransposeApply(J, t)),
  };
}
