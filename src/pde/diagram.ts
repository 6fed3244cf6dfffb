/**
 * The x–t picture of a 1-D loss f seen through local entropy (docs/dashboard.md §explore): for
 * several times t the value u(·, t) and its gradient p = u_x, the characteristics
 *   x(t) = y₀ + t f'(y₀)
 * up to the time they run into a shock (the Hopf–Lax minimiser at (x(t), t) is no longer y₀), and
 * the shocks found in p at each t. Inviscid (β = ∞) by Hopf–Lax, viscous (ν = 1/(2β)) by Cole–Hopf.
 * Pure numeric core: the report calls it in Node, the Explore page in the browser.
 */
import { coleHopf1d } from "./hj/coleHopf.ts";
import { hopfLax1d, type YGrid } from "./hj/hopfLax.ts";
import { detectShocks } from "./shocks.ts";
import { InputError } from "../errors.ts";

export interface DiagramOptions {
  /** Evaluation points x (ascending, uniform). */
  x: ArrayLike<number>;
  /** Times t > 0. */
  times: readonly number[];
  /** The y-grid the minimisation / Gibbs integral runs over (must cover x ± t·max|f'|). */
  y: YGrid;
  /** f' for exact refinement of the Hopf–Lax minimiser. */
  df?: (y: number) => number;
  /** Inverse temperature; Infinity (default) is the inviscid Hopf–Lax limit. */
  beta?: number;
}

export interface DiagramRow {
  t: number;
  u: Float64Array;
  p: Float64Array;
  /** Shock positions with their left/right states (Rankine–Hugoniot speed (p_L + p_R)/2). */
  shocks: { x: number; left: number; right: number; speed: number }[];
}

/** u, p and the shocks of the local entropy of f at each time. */
export function hjDiagram(f: (y: number) => number, o: DiagramOptions): DiagramRow[] {
  const beta = o.beta ?? Infinity;
  if (!(beta > 0)) throw new InputError(`beta: expected a positive number or Infinity, got ${beta}`);
  return o.times.map((t) => {
    const r = Number.isFinite(beta)
      ? coleHopf1d(f, o.x, t, beta, { y: o.y })
      : hopfLax1d(f, o.x, t, { y: o.y, df: o.df });
    // exact (inviscid) profiles jump within one cell: read the states right next to the front
    const shocks = detectShocks(o.x, r.p, { offset: Number.isFinite(beta) ? undefined : 0 }).map((s) => ({
      x: s.x,
      left: s.left,
      right: s.right,
      speed: s.speed,
    }));
    return { t, u: r.u, p: r.p, shocks };
  });
}

export interface CharacteristicLine {
  y0: number;
  /** Points (t, x) of the straight line x = y₀ + t f'(y₀) while it is still the minimiser's. */
  t: number[];
  x: number[];
  /** First time at which the characteristic had entered a shock (Infinity if never on `times`). */
  ends: number;
}

/**
 * Straight characteristics from the feet y₀, cut where they enter a shock: at (x, t) the
 * Hopf–Lax minimiser differs from y₀ by more than `tol` (default two y-grid steps).
 */
export function characteristicLines(
  f: (y: number) => number,
  df: (y: number) => number,
  feet: readonly number[],
  times: readonly number[],
  o: { y: YGrid; tol?: number },
): CharacteristicLine[] {
  const tol = o.tol ?? (2 * (o.y.max - o.y.min)) / (o.y.n - 1);
  const slope = feet.map(df);
  const lines: CharacteristicLine[] = feet.map((y0) => ({ y0, t: [0], x: [y0], ends: Infinity }));
  for (const t of times) {
    const alive = lines.map((l, i) => (l.ends === Infinity ? i : -1)).filter((i) => i >= 0);
    if (!alive.length) break;
    const xs = alive.map((i) => feet[i] + t * slope[i]);
    const hl = hopfLax1d(f, xs, t, { y: o.y, df });
    alive.forEach((i, k) => {
      if (Math.abs(hl.y[k] - feet[i]) > tol) lines[i].ends = t;
      else {
        lines[i].t.push(t);
        lines[i].x.push(xs[k]);
      }
    });
  }
  return lines;
}
