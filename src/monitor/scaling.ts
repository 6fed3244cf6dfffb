/**
 * The scaled series the detectors read (docs/monitor.md §scaling). An observable sampled at
 * irregular steps s_i is first turned into a rate of change per step,
 *   u_i = (g(x_i) − g(x_{i−1})) / (s_i − s_{i−1}),   g = log for positive observables, else identity,
 * so a detector sees changes of slope (a weight norm that starts to fall, a loss that starts to
 * drop), not the slow trend itself. u is then standardised against a reference window:
 *   z_i = (u_i − mean_ref) / sd_ref,
 * "initial": the first `window` values after a (re)start — the textbook in-control reference;
 * "sliding": the `window` values before the current one — it follows slow drifts, so only changes
 * faster than the window count. Until the reference is full nothing is emitted. `minScale` floors
 * sd_ref (a deterministic, perfectly smooth series would otherwise give infinite z).
 */

export type Transform = "level" | "log" | "rate" | "logRate";
export type Reference = "initial" | "sliding";

export interface ScalerOptions {
  transform?: Transform;
  reference?: Reference;
  /** Reference length in observations (default 10). */
  window?: number;
  /** Smallest sd used for standardising (default 1e-12). */
  minScale?: number;
}

export class SeriesScaler {
  readonly transform: Transform;
  readonly reference: Reference;
  readonly window: number;
  readonly minScale: number;
  private prev: { step: number; value: number } | null = null;
  private ref: number[] = [];

  constructor(o: ScalerOptions = {}) {
    this.transform = o.transform ?? "rate";
    this.reference = o.reference ?? "sliding";
    this.window = o.window ?? 10;
    this.minScale = o.minScale ?? 1e-12;
    if (!(this.window >= 2)) throw new Error(`scaler: window must be ≥ 2, got ${this.window}`);
  }

  /** Forgets the reference (after an alarm); the previous point is kept so rates continue. */
  restart(): void {
    this.ref = [];
  }

  /** The standardised value of this observation, or null while the reference fills (or for a non-finite value). */
  push(step: number, value: number): number | null {
    const t = this.transform;
    const g = t === "log" || t === "logRate" ? Math.log(value) : value;
    if (!Number.isFinite(g)) return null;
    let u: number;
    if (t === "rate" || t === "logRate") {
      const prev = this.prev;
      this.prev = { step, value: g };
      if (!prev || !(step > prev.step)) return null;
      u = (g - prev.value) / (step - prev.step);
    } else u = g;
    const full = this.ref.length >= this.window;
    let z: number | null = null;
    if (full) {
      let m = 0;
      for (const v of this.ref) m += v;
      m /= this.ref.length;
      let s = 0;
      for (const v of this.ref) s += (v - m) * (v - m);
      const sd = Math.max(Math.sqrt(s / (this.ref.length - 1)), this.minScale);
      z = (u - m) / sd;
    }
    if (!full || this.reference === "sliding") {
      this.ref.push(u);
      if (this.ref.length > this.window) this.ref.shift();
    }
    return z;
  }
}
