/**
 * Forecasts from a series' recent trend (docs/monitor.md §forecasts). A least-squares line through
 * the last `window` observations (steps s_i, values v_i),
 *   v ≈ a + b s,   b = Σ(s − s̄)(v − v̄)/Σ(s − s̄)²,
 * heading towards a level ℓ (b ≠ 0 and (ℓ − v_now)·b > 0) reaches it at s* = (ℓ − a)/b. The
 * quotient-curvature forecast is this with the series t* and ℓ = 0: t* shrinking linearly in the
 * training step says when the quotient Hessian's most negative curvature would make the local
 * entropy's gradient break (a shock). Non-finite values (t* = ∞ on a convex quotient) are skipped
 * and restart the window.
 */

export interface LinearFit {
  intercept: number;
  slope: number;
  n: number;
}

export function linearFit(s: readonly number[], v: readonly number[]): LinearFit {
  const n = s.length;
  let ms = 0,
    mv = 0;
  for (let i = 0; i < n; i++) {
    ms += s[i] / n;
    mv += v[i] / n;
  }
  let sxx = 0,
    sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (s[i] - ms) ** 2;
    sxy += (s[i] - ms) * (v[i] - mv);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: mv - slope * ms, slope, n };
}

export type TrendState =
  | { status: "filling" }
  | { status: "reached"; step: number }
  | { status: "away" }
  | { status: "forecast"; forecastStep: number };

export class TrendForecaster {
  private steps: number[] = [];
  private values: number[] = [];
  private side: number | null = null;

  constructor(
    readonly series: string,
    readonly level: number,
    readonly window: number,
  ) {}

  /** Feeds one observation: has the series reached the level, and if not, when does its trend say it will? */
  push(step: number, value: number): TrendState {
    if (!Number.isFinite(value)) {
      this.steps = [];
      this.values = [];
      return { status: "filling" };
    }
    const side = Math.sign(value - this.level);
    if (this.side !== null && side !== this.side && side !== 0) {
      this.side = side;
      return { status: "reached", step };
    }
    if (side !== 0) this.side = side;
    this.steps.push(step);
    this.values.push(value);
    if (this.steps.length > this.window) {
      this.steps.shift();
      this.values.shift();
    }
    if (this.steps.length < this.window) return { status: "filling" };
    const fit = linearFit(this.steps, this.values);
    if (!(fit.slope !== 0) || (this.level - value) * fit.slope <= 0) return { status: "away" };
    const at = (this.level - fit.intercept) / fit.slope;
    return at > step ? { status: "forecast", forecastStep: at } : { status: "away" };
  }
}
