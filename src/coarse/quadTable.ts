/**
 * Tabulated quadrature of the local entropy of a 1-D or 2-D function g (a slice), for many
 * evaluation points s and times t from one table of g on a uniform grid r:
 *
 *   log ∫ e^{−βg(r) − β|s−r|²/(2t)} dr ≈ LSE_k [log w_k − βg(r_k) − β|s − r_k|²/(2t)]
 *
 * with trapezoid weights w_k (tensor product in 2-D) and log-sum-exp (no under/overflow at any β).
 * Moments are taken about s, so ⟨r⟩ − s and Cov(r) stay accurate when they are small.
 *
 * The grid adapts (see buildTable): it grows on any face where the integrand is not negligible
 * (log-integrand within CUT = 40 of its maximum, i.e. above e^{−40} ≈ 4e-18 relative), shrinks
 * once to the region that matters, then halves its step until the error estimate from the three
 * nested rules with steps h, 2h, 4h (every 2nd / 4th point of the same table)
 *
 *   E ≈ max(|Q_h − Q_{2h}|, |Q_{2h} − Q_{4h}|/4)
 *
 * meets the tolerance. Trapezoid converges spectrally for smooth decaying integrands (then E is
 * very conservative) and as h² at kinks (ReLU networks). At a kink the h² constant depends on
 * where the kink falls inside a cell, which changes under halving, so the classical Richardson
 * |Q_h − Q_{2h}|/3 can be off by ×70 (measured on closed form docs/theory.md §C7); the second term, the h² decay
 * predicted from the previous level, guards against that (measured: actual ≤ 0.4·E).
 * Interval counts are kept multiples of 4 so the coarse rules end on the grid's end points.
 */
export const CUT = 40;

export interface Moments {
  logZ: number;
  /** ⟨r⟩ − s per axis. */
  shift: Float64Array;
  /** Cov(r): [c11] in 1-D, [c11, c12, c22] in 2-D. */
  cov: Float64Array;
  /** Max log-integrand on each face (axis0 low, axis0 high, axis1 low, axis1 high) minus the global max. */
  faces: Float64Array;
}

/** g on a uniform tensor grid; axis 1 is the single point 0 for 1-D slices (weight 1). */
export class SliceTable {
  readonly k: 1 | 2;
  axes: Float64Array[];
  values: Float64Array;
  evaluations = 0;

  constructor(
    private readonly g: (s: Float64Array) => number,
    k: 1 | 2,
    lo: readonly number[],
    count: readonly number[],
    h: readonly number[],
  ) {
    this.k = k;
    this.axes = [0, 1].map((i) =>
      i < k ? Float64Array.from({ length: count[i] + 1 }, (_, j) => lo[i] + j * h[i]) : Float64Array.of(0),
    );
    this.values = new Float64Array(this.axes[0].length * this.axes[1].length);
    this.fill(() => NaN);
  }

  get size(): number {
    return this.values.length;
  }

  step(axis: number): number {
    return this.axes[axis][1] - this.axes[axis][0];
  }

  /** Recomputes `values` on the current axes, reusing `old(a, b)` where it is a number. */
  private fill(old: (a: number, b: number) => number): void {
    const [A, B] = this.axes;
    const v = new Float64Array(A.length * B.length);
    const s = new Float64Array(this.k);
    for (let a = 0; a < A.length; a++) {
      for (let b = 0; b < B.length; b++) {
        let val = old(a, b);
        if (Number.isNaN(val)) {
          s[0] = A[a];
          if (this.k === 2) s[1] = B[b];
          val = this.g(s);
          if (Number.isNaN(val)) throw new Error(`the slice function returned NaN at s = [${Array.from(s)}]`);
          this.evaluations++;
        }
        v[a * B.length + b] = val;
      }
    }
    this.values = v;
  }

  /** Adds `count` (a multiple of 4) points beyond the low (side −1) or high (side +1) end of `axis`. */
  extend(axis: number, side: -1 | 1, count: number): void {
    const ax = this.axes[axis];
    const h = this.step(axis);
    const n = ax.length;
    const next = new Float64Array(n + count);
    const off = side < 0 ? count : 0;
    next.set(ax, off);
    for (let j = 0; j < count; j++) {
      if (side < 0) next[j] = ax[0] - (count - j) * h;
      else next[n + j] = ax[n - 1] + (j + 1) * h;
    }
    const oldB = this.axes[1].length;
    const oldVals = this.values;
    const oldOf = (a: number, b: number) => {
      const ia = axis === 0 ? a - off : a;
      const ib = axis === 1 ? b - off : b;
      const na = axis === 0 ? n : this.axes[0].length;
      const nb = axis === 1 ? n : oldB;
      return ia >= 0 && ia < na && ib >= 0 && ib < nb ? oldVals[ia * oldB + ib] : NaN;
    };
    this.axes = this.axes.map((x, i) => (i === axis ? next : x));
    this.fill(oldOf);
  }

  /** Keeps indices [from, to] of `axis` (to − from a multiple of 4). */
  trim(axis: number, from: number, to: number): void {
    const oldB = this.axes[1].length;
    const oldVals = this.values;
    this.axes = this.axes.map((x, i) => (i === axis ? x.slice(from, to + 1) : x));
    this.fill((a, b) => oldVals[(axis === 0 ? a + from : a) * oldB + (axis === 1 ? b + from : b)]);
  }

  /** Number of intervals along `axis` (a multiple of 4 between operations). */
  intervals(axis: number): number {
    return this.axes[axis].length - 1;
  }

  /** Doubles the step of `axis` (an even number of intervals) by keeping its even-indexed points. */
  coarsen(axis: number): void {
    const oldB = this.axes[1].length;
    const oldVals = this.values;
    this.axes = this.axes.map((x, i) => (i === axis ? x.filter((_, j) => j % 2 === 0) : x));
    this.fill((a, b) => oldVals[(axis === 0 ? 2 * a : a) * oldB + (axis === 1 ? 2 * b : b)]);
  }

  /** Halves the step on every real axis (old points are kept as the even-indexed ones). */
  refine(): void {
    const oldB = this.axes[1].length;
    const oldVals = this.values;
    this.axes = this.axes.map((x, i) => {
      if (i >= this.k) return x;
      const y = new Float64Array(2 * x.length - 1);
      for (let j = 0; j < x.length; j++) y[2 * j] = x[j];
      for (let j = 0; j + 1 < x.length; j++) y[2 * j + 1] = 0.5 * (x[j] + x[j + 1]);
      return y;
    });
    const even = (i: number) => i % 2 === 0;
    this.fill((a, b) =>
      even(a) && (this.k === 1 || even(b)) ? oldVals[(a / 2) * oldB + (this.k === 2 ? b / 2 : b)] : NaN,
    );
  }

  /**
   * Per-axis profiles of the log-integrand at (s, t): for each grid index along an axis, the max
   * over the other axis of (log-integrand − global max). Used to trim the window.
   */
  profile(s: ArrayLike<number>, t: number, beta: number): [Float64Array, Float64Array] {
    const c = beta / (2 * t);
    const [A, B] = this.axes;
    const nb = B.length;
    const E = new Float64Array(this.values.length);
    let mx = -Infinity;
    for (let a = 0; a < A.length; a++) {
      for (let b = 0; b < nb; b++) {
        const d2 = this.k === 2 ? (B[b] - s[1]) ** 2 : 0;
        const e = -beta * this.values[a * nb + b] - c * ((A[a] - s[0]) ** 2 + d2);
        E[a * nb + b] = e;
        if (e > mx) mx = e;
      }
    }
    const p0 = new Float64Array(A.length).fill(-Infinity);
    const p1 = new Float64Array(nb).fill(-Infinity);
    for (let a = 0; a < A.length; a++) {
      for (let b = 0; b < nb; b++) {
        const e = E[a * nb + b] - mx;
        if (e > p0[a]) p0[a] = e;
        if (e > p1[b]) p1[b] = e;
      }
    }
    return [p0, p1];
  }

  /**
   * Moments of the discrete Gibbs measure at (s, t) with the trapezoid rule of step `stride`·h
   * (stride 2, 4 = every 2nd, 4th point: the coarse rules of the error estimate).
   */
  moments(s: ArrayLike<number>, t: number, beta: number, stride: 1 | 2 | 4 = 1): Moments {
    const c = beta / (2 * t);
    const [A, B] = this.axes;
    const nb = B.length;
    const q = [A, B].map((ax, i) => {
      const out = new Float64Array(ax.length).fill(-Infinity);
      if (ax.length === 1) {
        out[0] = 0;
        return out;
      }
      const h = (ax[1] - ax[0]) * stride;
      const si = i < this.k ? s[i] : 0;
      for (let j = 0; j < ax.length; j += stride) {
        const lw = Math.log(j === 0 || j === ax.length - 1 ? h / 2 : h);
        out[j] = lw - c * (ax[j] - si) ** 2;
      }
      return out;
    });
    const [q1, q2] = q;
    const bStride = nb === 1 ? 1 : stride;
    let mx = -Infinity;
    for (let a = 0; a < A.length; a += stride) {
      for (let b = 0; b < nb; b += bStride) {
        const e = q1[a] + q2[b] - beta * this.values[a * nb + b];
        if (e > mx) mx = e;
      }
    }
    const faces = new Float64Array(4).fill(-Infinity);
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s11 = 0,
      s12 = 0,
      s22 = 0;
    const s1c = s[0];
    const s2c = this.k === 2 ? s[1] : 0;
    for (let a = 0; a < A.length; a += stride) {
      const d1 = A[a] - s1c;
      for (let b = 0; b < nb; b += bStride) {
        const e = q1[a] + q2[b] - beta * this.values[a * nb + b] - mx;
        if (stride === 1) {
          if (a === 0 && e > faces[0]) faces[0] = e;
          if (a === A.length - 1 && e > faces[1]) faces[1] = e;
          if (nb > 1 && b === 0 && e > faces[2]) faces[2] = e;
          if (nb > 1 && b === nb - 1 && e > faces[3]) faces[3] = e;
        }
        const w = Math.exp(e);
        const d2 = B[b] - s2c;
        s0 += w;
        s1 += w * d1;
        s2 += w * d2;
        s11 += w * d1 * d1;
        s12 += w * d1 * d2;
        s22 += w * d2 * d2;
      }
    }
    if (!(s0 > 0) || mx === -Infinity)
      throw new Error("quadrature: the integrand vanishes on the whole grid (g = +∞?)");
    const m1 = s1 / s0;
    const m2 = s2 / s0;
    const shift = this.k === 1 ? Float64Array.of(m1) : Float64Array.of(m1, m2);
    const cov =
      this.k === 1
        ? Float64Array.of(s11 / s0 - m1 * m1)
        : Float64Array.of(s11 / s0 - m1 * m1, s12 / s0 - m1 * m2, s22 / s0 - m2 * m2);
    return { logZ: mx + Math.log(s0), shift, cov, faces };
  }
}
