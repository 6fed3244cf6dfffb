/**
 * Two-sided CUSUM (Page 1954) on a standardised series z_t (in-control mean 0, sd 1):
 *
 *   S⁺_t = max(0, S⁺_{t−1} + z_t − k),   S⁻_t = max(0, S⁻_{t−1} − z_t − k),
 *
 * alarm when max(S⁺, S⁻) > h (docs/monitor.md §cusum). k is half the mean shift (in sd) the
 * chart is tuned for, h the decision interval. After an alarm both sums restart at 0. The change
 * is located at the observation after the last time the alarming sum was 0.
 *
 * Average run lengths: Siegmund's approximation for the one-sided chart with drift δ of z,
 *   ARL(δ) ≈ (e^{−2Δb} + 2Δb − 1) / (2Δ²),   Δ = δ − k,  b = h + 1.166   (ARL = b² at Δ = 0),
 * and for the two-sided chart 1/ARL = 1/ARL⁺(δ) + 1/ARL⁻(δ) with ARL⁻(δ) = ARL⁺(−δ). For
 * k = 0.5, h = 5 this gives ≈ 469 in control and ≈ 10.4 at a 1-sd shift (Montgomery's tables: 465
 * and 10.4).
 */
import type { ChangeDetector, DetectorStep } from "./detector.ts";

export interface CusumOptions {
  /** Reference value: half the shift (in sd) to detect (default 0.5). */
  k?: number;
  /** Decision interval (default 5). */
  h?: number;
}

export class Cusum implements ChangeDetector {
  readonly name = "cusum";
  readonly k: number;
  readonly h: number;
  private up = 0;
  private down = 0;
  /** Observations seen since the last reset, and the index after the last zero of each sum. */
  private n = 0;
  private upStart = 0;
  private downStart = 0;

  constructor(o: CusumOptions = {}) {
    this.k = o.k ?? 0.5;
    this.h = o.h ?? 5;
    if (!(this.k >= 0) || !(this.h > 0)) throw new Error(`cusum: need k ≥ 0 and h > 0, got k=${this.k}, h=${this.h}`);
  }

  push(z: number): DetectorStep {
    const i = this.n++;
    this.up = Math.max(0, this.up + z - this.k);
    this.down = Math.max(0, this.down - z - this.k);
    if (this.up === 0) this.upStart = i + 1;
    if (this.down === 0) this.downStart = i + 1;
    const statistic = Math.max(this.up, this.down) / this.h;
    if (this.up > this.h || this.down > this.h) {
      const direction = this.up >= this.down ? "up" : "down";
      const start = direction === "up" ? this.upStart : this.downStart;
      this.reset();
      return { statistic, alarm: { direction, lag: i - start } };
    }
    return { statistic };
  }

  reset(): void {
    this.up = this.down = 0;
    this.n = this.upStart = this.downStart = 0;
  }
}

/** Siegmund's one-sided CUSUM ARL for drift δ (in sd) of the standardised series. */
export function siegmundArl(delta: number, k = 0.5, h = 5): number {
  const D = delta - k;
  const b = h + 1.166;
  if (Math.abs(D) < 1e-9) return b * b;
  return (Math.exp(-2 * D * b) + 2 * D * b - 1) / (2 * D * D);
}

/** Two-sided ARL: 1/ARL = 1/ARL⁺(δ) + 1/ARL⁻(δ). */
export function twoSidedArl(delta: number, k = 0.5, h = 5): number {
  return 1 / (1 / siegmundArl(delta, k, h) + 1 / siegmundArl(-delta, k, h));
}
