/**
 * Gridded local-entropy solutions on a 1-D or 2-D slice, u(s, t) and p(s, t) = ∇u = (s − ⟨r⟩)/t at
 * every grid point and time, all from one adaptive quadrature table (quadrature.ts) so they are
 * one smooth discrete function of (s, t): the input of the HJ and Burgers residual checks
 * (src/pde/residual.ts, docs/theory.md §e.1 step 3). Layout: 2-D fields are row-major, index i·n₂ + j
 * for (s1[i], s2[j]); one array per requested time.
 */
import { InputError } from "../errors.ts";

import { solveQueries, type QuadSettings } from "./quadrature.ts";
import type { Objective } from "./types.ts";
import { positive } from "../validate.ts";

export interface EntropyGrid {
  /** Grid sizes: [n] or [n1, n2]. */
  dims: number[];
  t: number[];
  beta: number;
  nu: number;
  /** u per time. */
  u: Float64Array[];
  /** p components per time: p[ti][component]. */
  p: Float64Array[][];
  /** Cov(r) entries per time ([c11] or [c11, c12, c22]), for ∇²u = I/t − βCov/t². */
  cov: Float64Array[][];
  /**
   * Max Richardson error estimates over the grid; null when the window could not hold the
   * integrand within maxPoints (they would miss the mass outside it: `truncated` says why).
   */
  uError: number | null;
  pError: number | null;
  truncated: string | null;
  points: number;
  evaluations: number;
  warnings: string[];
}

type Fn1 = Objective | ((s: number) => number);
type Fn2 = Objective | ((s1: number, s2: number) => number);

function asVectorFn(g: Fn1 | Fn2, k: number): (s: Float64Array) => number {
  if (typeof g === "function")
    return k === 1
      ? (s) => (g as (a: number) => number)(s[0])
      : (s) => (g as (a: number, b: number) => number)(s[0], s[1]);
  if (g.dim !== k)
    throw new InputError(`grid: a ${k}-D grid needs a ${k}-D objective, got dimension ${g.dim}`, { field: "grid" });
  return (s) => g.value(s);
}

function checkAxis(s: ArrayLike<number>, name: string): void {
  if (s.length < 1) throw new InputError(`${name}: empty grid`);
  for (let i = 0; i < s.length; i++)
    if (!Number.isFinite(s[i])) throw new InputError(`${name}: value ${s[i]} at ${i} is not finite`);
}

function solveGrid(
  g: Fn1 | Fn2,
  axes: ArrayLike<number>[],
  ts: readonly number[],
  beta: number,
  o: QuadSettings,
): EntropyGrid {
  const k = axes.length as 1 | 2;
  positive(beta, "beta");
  if (ts.length < 1) throw new InputError("t: need at least one time", { field: "t" });
  ts.forEach((t, i) => positive(t, `t[${i}]`));
  axes.forEach((a, i) => checkAxis(a, k === 1 ? "s" : `s${i + 1}`));
  const n1 = axes[0].length;
  const n2 = k === 2 ? axes[1].length : 1;
  const queries = ts.flatMap((t) => {
    const out: { s: Float64Array; t: number }[] = [];
    for (let i = 0; i < n1; i++)
      for (let j = 0; j < n2; j++)
        out.push({ s: k === 1 ? Float64Array.of(axes[0][i]) : Float64Array.of(axes[0][i], axes[1][j]), t });
    return out;
  });
  const r = solveQueries(asVectorFn(g, k), k, queries, beta, o);
  const m = n1 * n2;
  const per = <T>(f: (ti: number) => T) => ts.map((_, ti) => f(ti));
  const field = (ti: number, pick: (q: (typeof r.results)[number]) => number) =>
    Float64Array.from({ length: m }, (_, i) => pick(r.results[ti * m + i]));
  let uError = 0;
  let pError = 0;
  for (const q of r.results) {
    uError = Math.max(uError, q.uError);
    pError = Math.max(pError, ...q.pError);
  }
  return {
    dims: k === 1 ? [n1] : [n1, n2],
    t: [...ts],
    beta,
    nu: 1 / (2 * beta),
    u: per((ti) => field(ti, (q) => q.u)),
    p: per((ti) => Array.from({ length: k }, (_, c) => field(ti, (q) => q.p[c]))),
    cov: per((ti) => Array.from({ length: k === 1 ? 1 : 3 }, (_, c) => field(ti, (q) => q.cov[c]))),
    uError: r.truncated === null ? uError : null,
    pError: r.truncated === null ? pError : null,
    truncated: r.truncated,
    points: r.points,
    evaluations: r.evaluations,
    warnings:
      r.truncated === null ? r.warnings : [...r.warnings, `quadrature: error estimates withdrawn: ${r.truncated}`],
  };
}

/** u(s, t) and p = u_s on a 1-D grid s for each time in ts. */
export function entropyGrid1d(
  g: Fn1,
  s: ArrayLike<number>,
  ts: readonly number[],
  beta: number,
  o: QuadSettings = {},
): EntropyGrid {
  return solveGrid(g, [s], ts, beta, o);
}

/** u(s1, s2, t) and p = ∇u on the tensor grid s1 × s2 (row-major) for each time in ts. */
export function entropyGrid2d(
  g: Fn2,
  s1: ArrayLike<number>,
  s2: ArrayLike<number>,
  ts: readonly number[],
  beta: number,
  o: QuadSettings = {},
): EntropyGrid {
  return solveGrid(g, [s1, s2], ts, beta, o);
}
