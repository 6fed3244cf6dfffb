/**
 * Series arithmetic shared by the report and the dashboard (docs/dashboard.md §series):
 *
 *   - decimate: display decimation that never hides an extreme. The step range [lo, hi] is cut
 *     into `buckets` equal intervals (one per pixel column); each bucket keeps its minimum and its
 *     maximum (in step order), the range keeps its first and last point, and a non-finite value
 *     keeps a gap. A range with at most 2·buckets points is returned whole.
 *   - emaDebiased: TensorBoard/Adam-style exponential smoothing on the FULL series,
 *       m_k = α m_{k−1} + (1 − α) y_k,   w_k = α w_{k−1} + (1 − α) = 1 − α^k,   s_k = m_k / w_k,
 *     so the first points are not pulled towards 0 (non-finite y_k are skipped and stay gaps).
 *   - aggregate: mean ± sample standard deviation over runs (seeds) at every step any run logged,
 *     over the runs that logged that step.
 */

/** A series as parallel arrays, steps ascending. Non-finite values are gaps. */
export interface SeriesData {
  x: Float64Array;
  y: Float64Array;
}

export interface Decimated extends SeriesData {
  /** Points of the series inside [lo, hi]. */
  total: number;
  /** True when every point of the range was returned. */
  exact: boolean;
}

/** First index with x[i] ≥ v (x ascending). */
export function lowerBound(x: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with x[i] > v (x ascending). */
export function upperBound(x: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Min/max-per-bucket decimation of the points with lo ≤ x ≤ hi (default: the whole series). With
 * `context`, the nearest point outside each end is added so a zoomed line reaches the plot edges.
 */
export function decimate(
  s: SeriesData,
  buckets: number,
  range: { lo?: number; hi?: number; context?: boolean } = {},
): Decimated {
  const n = s.x.length;
  const lo = range.lo ?? (n ? s.x[0] : 0);
  const hi = range.hi ?? (n ? s.x[n - 1] : 0);
  let i0 = lowerBound(s.x, lo);
  let i1 = upperBound(s.x, hi); // exclusive
  const total = Math.max(0, i1 - i0);
  if (range.context) {
    if (i0 > 0) i0--;
    if (i1 < n) i1++;
  }
  const B = Math.max(1, Math.floor(buckets));
  if (i1 - i0 <= 2 * B || !(hi > lo)) {
    return { x: s.x.slice(i0, i1), y: s.y.slice(i0, i1), total, exact: true };
  }
  const outX: number[] = [];
  const outY: number[] = [];
  const push = (i: number): void => {
    if (outX.length && outX[outX.length - 1] === s.x[i] && Object.is(outY[outY.length - 1], s.y[i])) return;
    outX.push(s.x[i]);
    outY.push(s.y[i]);
  };
  const scale = B / (hi - lo);
  let i = i0;
  push(i0); // first point (or the context point before the range)
  while (i < i1) {
    // the bucket of point i; context points outside [lo, hi] get buckets of their own
    const b = Math.floor((s.x[i] - lo) * scale);
    let iMin = -1;
    let iMax = -1;
    let iGap = -1;
    let j = i;
    for (; j < i1 && Math.floor((s.x[j] - lo) * scale) === b; j++) {
      const v = s.y[j];
      if (!Number.isFinite(v)) {
        if (iGap < 0) iGap = j;
        continue;
      }
      if (iMin < 0 || v < s.y[iMin]) iMin = j;
      if (iMax < 0 || v > s.y[iMax]) iMax = j;
    }
    const keep = [iMin, iMax, iGap].filter((k) => k >= 0).sort((a, b2) => a - b2);
    for (const k of keep) push(k);
    i = j;
  }
  push(i1 - 1); // last point (or the context point after the range)
  return { x: Float64Array.from(outX), y: Float64Array.from(outY), total, exact: false };
}

/** Debiased exponential moving average with smoothing weight α ∈ [0, 1) (0 = no smoothing). */
export function emaDebiased(y: ArrayLike<number>, alpha: number): Float64Array {
  if (!(alpha >= 0 && alpha < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${alpha}`);
  const out = new Float64Array(y.length);
  let m = 0;
  let w = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    m = alpha * m + (1 - alpha) * v;
    w = alpha * w + (1 - alpha);
    out[i] = m / w;
  }
  return out;
}

export interface Aggregate {
  x: Float64Array;
  mean: Float64Array;
  /** Sample standard deviation (n − 1 in the denominator); 0 where one run logged the step. */
  std: Float64Array;
  /** Runs that logged each step. */
  n: Int32Array;
}

/**
 * Mean and standard deviation over runs at every step that any run logged (k-way merge of the
 * sorted step arrays; a run that logged a step twice counts with its last value; non-finite values
 * are left out of the statistics). Welford's update keeps the variance accurate.
 */
export function aggregate(runs: readonly SeriesData[]): Aggregate {
  const ptr = runs.map(() => 0);
  const xs: number[] = [];
  const means: number[] = [];
  const stds: number[] = [];
  const ns: number[] = [];
  for (;;) {
    let step = Infinity;
    for (let r = 0; r < runs.length; r++) if (ptr[r] < runs[r].x.length) step = Math.min(step, runs[r].x[ptr[r]]);
    if (step === Infinity) break;
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for (let r = 0; r < runs.length; r++) {
      const s = runs[r];
      let i = ptr[r];
      if (i >= s.x.length || s.x[i] !== step) continue;
      while (i + 1 < s.x.length && s.x[i + 1] === step) i++;
      ptr[r] = i + 1;
      const v = s.y[i];
      if (!Number.isFinite(v)) continue;
      n++;
      const d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
    xs.push(step);
    means.push(n ? mean : NaN);
    stds.push(n > 1 ? Math.sqrt(m2 / (n - 1)) : n === 1 ? 0 : NaN);
    ns.push(n);
  }
  return {
    x: Float64Array.from(xs),
    mean: Float64Array.from(means),
    std: Float64Array.from(stds),
    n: Int32Array.from(ns),
  };
}
