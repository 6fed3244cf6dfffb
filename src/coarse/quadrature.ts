/**
 * Quadrature estimator of the local entropy of a 1-D or 2-D objective (a slice g(s) = f(x + Σsᵢdᵢ)
 * or quotient coordinates), and gridded solutions u(s, t), p(s, t) on a slice for PDE checks:
 *
 *   u(s,t) = −β⁻¹ [log ∫ e^{−βg(r) − β|s−r|²/(2t)} dr − (k/2) log(2πt/β)],   p = ∇u = −(⟨r⟩ − s)/t,
 *   ∇²u = I/t − β Cov(r)/t²   (docs/theory.md §a.5).
 *
 * This is the exact k-dimensional local entropy of the slice function — not the full n-D u of the
 * network (the kernel smooths only along the slice). Error estimate max(|Q_h − Q_{2h}|,
 * |Q_{2h} − Q_{4h}|/4) from nested rules (see quadTable.ts), applied to u and to each component of
 * p, reported as `stderr`/`gradStderr` with errorKind "discretisation".
 */
import { InputError } from "../errors.ts";
import { checkCommon } from "./check.ts";
import { CUT, SliceTable, type Moments } from "./quadTable.ts";
import { gradientSummary } from "./stats.ts";
import { certify, roundingFloor } from "./reliability.ts";
import type { LocalEntropyResult, Objective, QuadratureOptions } from "./types.ts";
import { integer, positive } from "../validate.ts";

export interface QuadSettings {
  /** Absolute error target of u (default 1e-9·max(1, |u|)). */
  tol?: number;
  maxPoints?: number;
}

/** Half-width of the first window in kernel standard deviations: e^{−WINDOW²/2} = e^{−(CUT+5)}. */
const WINDOW = Math.sqrt(2 * (CUT + 5));

interface Query {
  s: Float64Array;
  t: number;
}

export interface QueryResult {
  u: number;
  p: Float64Array;
  mean: Float64Array;
  cov: Float64Array;
  uError: number;
  pError: Float64Array;
}

function uOf(m: Moments, k: number, t: number, beta: number): number {
  return -(m.logZ - (k / 2) * Math.log((2 * Math.PI * t) / beta)) / beta;
}

/** Evaluates every query from one adaptively built table of g. */
export function solveQueries(
  g: (s: Float64Array) => number,
  k: 1 | 2,
  queries: readonly Query[],
  beta: number,
  o: QuadSettings = {},
): {
  results: QueryResult[];
  /** Why the error estimates miss mass outside the window (then they are no error bars), or null. */
  truncated: string | null;
  evaluations: number;
  points: number;
  steps: number[];
  warnings: string[];
} {
  const warnings: string[] = [];
  const maxPoints = o.maxPoints ?? (k === 1 ? 2 ** 16 + 1 : 257 * 257);
  if (!(maxPoints >= 9 ** k))
    throw new InputError(`maxPoints: a ${k}-D table needs at least ${9 ** k} points (9 per axis), got ${maxPoints}`, {
      field: "maxPoints",
    });
  const ts = queries.map((q) => q.t);
  const sMin = Math.sqrt(Math.min(...ts) / beta);
  const sMax = Math.sqrt(Math.max(...ts) / beta);
  const lo: number[] = [];
  const count: number[] = [];
  const h: number[] = [];
  for (let i = 0; i < k; i++) {
    // the kernel prior alone is below e^{−(CUT+5)} of its peak WINDOW standard deviations out
    const a = Math.min(...queries.map((q) => q.s[i])) - WINDOW * sMax;
    const b = Math.max(...queries.map((q) => q.s[i])) + WINDOW * sMax;
    let hi = Math.min(sMin / 4, (b - a) / 16);
    let n = 4 * Math.ceil((b - a) / (4 * hi));
    const perAxis = Math.floor(Math.pow(maxPoints, 1 / k)) - 1;
    if (n > perAxis) {
      n = Math.max(8, perAxis - (perAxis % 4));
      hi = (b - a) / n;
    }
    lo.push(a);
    count.push(n);
    h.push(hi);
  }
  const table = new SliceTable(g, k, lo, count, h);
  let trimmed = false;
  /** Why the window is too narrow (the error estimate then misses the cut-off mass), or null. */
  let truncated: string | null = null;
  for (let iter = 0; ; iter++) {
    if (iter > 200) throw new Error("quadrature: the window did not settle");
    const fine = queries.map((q) => table.moments(q.s, q.t, beta, 1));
    // grow any face where the integrand is not negligible
    let grew = false;
    truncated = null;
    for (let axis = 0; axis < k; axis++) {
      for (const side of [-1, 1] as const) {
        const worst = Math.max(...fine.map((m) => m.faces[2 * axis + (side < 0 ? 0 : 1)]));
        if (worst <= -CUT) continue;
        if (widen(axis, side)) grew = true;
        else
          truncated ??=
            `the integrand is still e^${worst.toFixed(1)} of its peak on a face of the window and ` +
            `maxPoints = ${maxPoints} leaves no room to widen it (is g bounded below by −|r|²/(2t)?)`;
      }
    }
    if (grew) continue;
    if (!trimmed) {
      trimmed = true;
      if (trim(table, queries, beta)) continue;
    }
    const results = queries.map((q, i) =>
      estimate(q, fine[i], table.moments(q.s, q.t, beta, 2), table.moments(q.s, q.t, beta, 4)),
    );
    if (truncated !== null) return finish(results); // refining cannot recover the mass outside
    const worstRatio = Math.max(...results.map((r) => r.uError / (o.tol ?? 1e-9 * Math.max(1, Math.abs(r.u)))));
    if (worstRatio <= 1) return finish(results);
    if (table.size * 2 ** k > maxPoints) {
      warnings.push(
        `quadrature: error estimate ${worstRatio.toPrecision(3)}× the tolerance at the cap of ${table.size} points ` +
          "(raise maxPoints or loosen the tolerance)",
      );
      return finish(results);
    }
    table.refine();
  }

  /** Values of the finest rule; errors max(|Q₁ − Q₂|, |Q₂ − Q₄|/4) over the nested rules. */
  function estimate(q: Query, m1: Moments, m2: Moments, m4: Moments): QueryResult {
    const err = (a: number, b: number, c: number) => Math.max(Math.abs(a - b), Math.abs(b - c) / 4);
    const [u1, u2, u4] = [m1, m2, m4].map((m) => uOf(m, k, q.t, beta));
    const p = m1.shift.map((d) => -d / q.t);
    return {
      u: u1,
      p,
      mean: q.s.map((sv, j) => sv + m1.shift[j]),
      cov: m1.cov,
      uError: err(u1, u2, u4),
      pError: p.map((_, j) => err(m1.shift[j], m2.shift[j], m4.shift[j]) / q.t),
    };
  }

  /**
   * Adds points beyond one face of `axis` (about an eighth of the axis). When that would exceed
   * maxPoints, the axis is coarsened first (every other point kept; the nested-rule error estimate
   * then says what the coarser step costs) while it keeps ≥ 8 intervals and a step no larger than
   * the kernel prior's standard deviation √(t/β). False, with the table
   * unchanged, when there is no room: the table never holds more than maxPoints points.
   */
  function widen(axis: number, side: -1 | 1): boolean {
    // points added to n intervals, keeping the count a multiple of 4 (the nested rules need it)
    const extra = (n: number) => 4 * Math.ceil(n / 8) + ((4 - (n % 4)) % 4);
    const across = table.size / (table.intervals(axis) + 1);
    let n = table.intervals(axis);
    // near the cap: whatever still fits at this step, before giving up resolution
    const room = 4 * Math.floor((Math.floor(maxPoints / across) - (n + 1)) / 4);
    if (n % 4 === 0 && room >= 4 && room < extra(n)) {
      table.extend(axis, side, room);
      return true;
    }
    let halvings = 0;
    while (across * (n + 1 + extra(n)) > maxPoints) {
      // a step beyond the prior's standard deviation would no longer resolve the kernel
      if (n < 16 || n % 2 !== 0 || 2 ** (halvings + 1) * table.step(axis) > sMin) return false;
      n /= 2;
      halvings++;
    }
    for (let i = 0; i < halvings; i++) table.coarsen(axis);
    table.extend(axis, side, extra(n));
    return true;
  }

  function finish(results: QueryResult[]) {
    return {
      results,
      truncated,
      evaluations: table.evaluations,
      points: table.size,
      steps: table.axes.slice(0, k).map((_, i) => table.step(i)),
      warnings,
    };
  }
}

/** Shrinks each axis once to where some query's integrand exceeds e^{−(CUT+5)}; true if it cut ≥ 25%. */
function trim(table: SliceTable, queries: readonly Query[], beta: number): boolean {
  const profiles = queries.map((q) => table.profile(q.s, q.t, beta));
  let changed = false;
  for (let axis = 0; axis < table.k; axis++) {
    const n = table.axes[axis].length;
    let first = n;
    let last = -1;
    for (let j = 0; j < n; j++) {
      if (profiles.some((p) => p[axis][j] > -(CUT + 5))) {
        first = Math.min(first, j);
        last = Math.max(last, j);
      }
    }
    let from = Math.max(0, first - 1);
    let to = Math.min(n - 1, last + 1);
    while (to - from < 8 || (to - from) % 4 !== 0) {
      if (to < n - 1) to++;
      else if (from > 0) from--;
      else break; // the whole axis (n − 1 is a multiple of 4)
    }
    if (to - from + 1 <= 0.75 * n) {
      table.trim(axis, from, to);
      changed = true;
    }
  }
  return changed;
}

/** The `method: "quadrature"` estimator at one point x of a 1-D/2-D objective. */
export function quadratureEstimate(obj: Objective, x: Float64Array, o: QuadratureOptions): LocalEntropyResult {
  checkCommon(obj, x, o);
  if (obj.dim !== 1 && obj.dim !== 2) {
    throw new InputError(
      `quadrature works on 1-D or 2-D objectives (a slice or quotient coordinates), got dimension ${obj.dim}: use sliceObjective`,
    );
  }
  const k = obj.dim as 1 | 2;
  const settings = {
    tol: o.stderr === undefined ? undefined : positive(o.stderr, "stderr"),
    maxPoints: o.maxPoints === undefined ? undefined : integer(o.maxPoints, "maxPoints", 9),
  };
  const r = solveQueries((s) => obj.value(s), k, [{ s: Float64Array.from(x), t: o.t }], o.beta, settings);
  const q = r.results[0];
  const r0 = {
    method: "quadrature" as const,
    estimator: `quadrature (${k}-D trapezoid)`,
    t: o.t,
    beta: o.beta,
    nu: 1 / (2 * o.beta),
    dim: k,
    u: q.u,
    uNote: `log-sum-exp trapezoid rule on an adaptive ${k}-D window (the exact local entropy of this ${k}-D function)`,
    // the nested rules can agree to the last bit: the rounding floor keeps the error bar honest
    stderr: Math.hypot(q.uError, roundingFloor(q.u)),
    errorKind: "discretisation" as const,
    ...gradientSummary(
      q.p,
      q.pError.map((e) => Math.hypot(e, roundingFloor(...Array.from(q.mean), ...Array.from(x)) / o.t)),
    ),
    mean: q.mean,
    ess: null,
    samples: r.evaluations,
    warnings: r.warnings,
    details: { points: r.points, steps: r.steps, cov: Array.from(q.cov) },
  };
  // deterministic: the Richardson estimate of the nested rules is the error bar (no sampling
  // diagnostics) unless the window is cut short, when it misses the mass outside
  const failures = r.truncated === null ? [] : [r.truncated];
  return certify(r0, failures, { points: r.points, toleranceMet: r.warnings.length === 0 && r.truncated === null });
}
