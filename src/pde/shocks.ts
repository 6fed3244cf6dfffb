/**
 * Shock detection and the entropy checks of docs/theory.md §b.5–b.7 for a Burgers state p on a
 * uniform grid (for an HJ solution pass p = u_x, see `hjGradient`).
 *
 * Detection: candidate fronts are local maxima of the one-cell drop δᵢ = pᵢ − p_{i+1} > 0 (Lax:
 * only downward jumps p_L > p_R are shocks; upward jumps are rarefactions). With the decision
 * window w (default 4 cells each side) and J = p_{i−w} − p_{i+1+w}, a candidate is a shock when
 *   (1) J ≥ minJump                             (default 5 % of the data range), and
 *   (2) (p_{i−1} − p_{i+2})/J ≥ concentration  (default ½: at least half of the jump sits in three
 *       cells; a smooth ramp across the window gives 3/(2w+1) = ⅓ for w = 4).
 * The reported states are read `offset` cells away from the front, p_L = p_{i−k}, p_R = p_{i+1+k}
 * (default k = w; use a small k for exact, unsmeared profiles).
 * So "shock" means "a front at grid scale": captured shocks, and viscous fronts thinner than a few
 * cells (width 4ν/Δp). Its position is where p crosses the mean of the window's end states (linear
 * interpolation) and its speed is the Rankine–Hugoniot s = (p_L + p_R)/2.
 */
import { InputError } from "../errors.ts";

export interface Shock {
  x: number;
  left: number;
  right: number;
  /** Rankine–Hugoniot speed (left + right)/2. */
  speed: number;
  /** Cell index i of the front (it sits between i and i+1). */
  index: number;
}

export interface ShockOptions {
  /** Cells between the front and the reported left/right states (default: the window). */
  offset?: number;
  /** Half-width in cells of the window that decides whether a front is a shock (default 4, min 3). */
  window?: number;
  /** Smallest jump p_L − p_R counted as a shock (default 5 % of max p − min p). */
  minJump?: number;
  /** Share of the jump that must sit in the three central cells (default 0.5). */
  concentration?: number;
  /** Wrap around the ends (periodic data). */
  periodic?: boolean;
}

export function detectShocks(x: ArrayLike<number>, p: ArrayLike<number>, opts: ShockOptions = {}): Shock[] {
  const n = p.length;
  if (x.length !== n) throw new InputError(`detectShocks: x and p must have the same length, got ${x.length} and ${n}`);
  if (n < 4) return [];
  const w = Math.max(3, opts.window ?? 4);
  const k = opts.offset ?? w;
  const reach = Math.max(w, k);
  const conc = opts.concentration ?? 0.5;
  const periodic = opts.periodic ?? false;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, p[i]);
    hi = Math.max(hi, p[i]);
  }
  const minJump = opts.minJump ?? 0.05 * (hi - lo);
  if (!(hi > lo)) return [];
  const h = x[1] - x[0];
  const at = (j: number): number => p[periodic ? ((j % n) + n) % n : j];
  const drop = (j: number): number => at(j) - at(j + 1);
  const first = periodic ? 0 : reach;
  const last = periodic ? n - 1 : n - 2 - reach;
  const found: Shock[] = [];
  for (let i = first; i <= last; i++) {
    const d = drop(i);
    if (!(d > 0)) continue;
    const dl = periodic || i > 0 ? drop(i - 1) : -Infinity;
    const dr = periodic || i + 2 < n ? drop(i + 1) : -Infinity;
    if (!(d >= dl && d > dr)) continue;
    const J = at(i - w) - at(i + 1 + w);
    if (!(J >= minJump) || J <= 0) continue;
    if ((at(i - 1) - at(i + 2)) / J < conc) continue;
    const left = at(i - k);
    const right = at(i + 1 + k);
    found.push({
      x: locate(at, i, reach, 0.5 * (at(i - w) + at(i + 1 + w)), x[0], h, n, periodic),
      left,
      right,
      speed: 0.5 * (left + right),
      index: i,
    });
  }
  return mergeClose(found, 2 * w + 1, n, periodic);
}

/** Where p crosses `mid` (the mean of the window's end states) nearest the front, by linear interpolation. */
function locate(
  at: (j: number) => number,
  i: number,
  k: number,
  mid: number,
  x0: number,
  h: number,
  n: number,
  periodic: boolean,
): number {
  let best = x0 + (i + 0.5) * h;
  let bestDist = Infinity;
  for (let j = i - k; j <= i + k; j++) {
    const a = at(j) - mid;
    const b = at(j + 1) - mid;
    if (a >= 0 && b <= 0 && a !== b) {
      const dist = Math.abs(j + 0.5 - (i + 0.5));
      if (dist < bestDist) {
        bestDist = dist;
        best = x0 + (j + a / (a - b)) * h;
      }
    }
  }
  if (periodic) {
    const L = n * h;
    const start = x0 - 0.5 * h;
    best = start + ((((best - start) % L) + L) % L);
  }
  return best;
}

/** Of fronts closer than `gap` cells keep the one with the larger jump. */
function mergeClose(s: Shock[], gap: number, n: number, periodic: boolean): Shock[] {
  const out: Shock[] = [];
  for (const c of s) {
    const prev = out[out.length - 1];
    if (prev && c.index - prev.index < gap) {
      if (c.left - c.right > prev.left - prev.right) out[out.length - 1] = c;
    } else out.push(c);
  }
  if (periodic && out.length > 1) {
    const a = out[0];
    const b = out[out.length - 1];
    if (a.index + n - b.index < gap) {
      if (a.left - a.right >= b.left - b.right) out.pop();
      else out.shift();
    }
  }
  return out;
}

/** p = u_x of HJ centre values at the interfaces x_{i+½} (centred difference, second order there). */
export function hjGradient(
  x: ArrayLike<number>,
  u: ArrayLike<number>,
  periodic = false,
): { x: Float64Array; p: Float64Array } {
  const n = u.length;
  const h = x[1] - x[0];
  const m = periodic ? n : n - 1;
  const xs = new Float64Array(m);
  const p = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    xs[i] = x[i] + 0.5 * h;
    p[i] = (u[(i + 1) % n] - u[i]) / h;
  }
  return { x: xs, p };
}

export interface TrackedShock {
  x: number;
  /** (x_after − x_before)/(t_after − t_before). */
  observedSpeed: number;
  /** Mean of the Rankine–Hugoniot speeds at the two times. */
  rhSpeed: number;
}

/** Matches each later shock to the nearest earlier one and compares front motion with RH. */
export function trackShocks(before: Shock[], tBefore: number, after: Shock[], tAfter: number): TrackedShock[] {
  const dt = tAfter - tBefore;
  if (!(dt > 0)) throw new InputError("trackShocks: expected tAfter > tBefore");
  const out: TrackedShock[] = [];
  for (const a of after) {
    let best: Shock | undefined;
    for (const b of before) if (!best || Math.abs(b.x - a.x) < Math.abs(best.x - a.x)) best = b;
    if (best) out.push({ x: a.x, observedSpeed: (a.x - best.x) / dt, rhSpeed: 0.5 * (a.speed + best.speed) });
  }
  return out;
}

/**
 * Oleinik's one-sided Lipschitz bound (entropy condition docs/theory.md §b.6): (p(x+a) − p(x))/a ≤ 1/t for every
 * a > 0. Returns the largest difference quotient over the given strides (in cells) and the excess
 * over 1/t (≤ 0 when the bound holds).
 */
export function oleinikCheck(
  x: ArrayLike<number>,
  p: ArrayLike<number>,
  t: number,
  strides: readonly number[] = [1, 2, 4, 8],
): { maxQuotient: number; excess: number } {
  let m = -Infinity;
  for (const s of strides) {
    for (let i = 0; i + s < p.length; i++) m = Math.max(m, (p[i + s] - p[i]) / (x[i + s] - x[i]));
  }
  return { maxQuotient: m, excess: m - 1 / t };
}
