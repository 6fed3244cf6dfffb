/**
 * One observable's online change detection: the scaled series (scaling.ts) fed to a detector,
 * with alarms mapped back from observation lags to training steps. After an alarm the reference
 * window restarts, so the next alarm is relative to the new regime.
 */
import type { ChangeDetector } from "./detector.ts";
import type { SeriesScaler } from "./scaling.ts";

export interface ChangePoint {
  /** The step at which the detector alarmed. */
  step: number;
  /** The step at which the detector places the change (≤ step). */
  changeStep: number;
  detector: string;
  direction: "up" | "down";
}

export class ChangeTracker {
  private steps: number[] = [];

  constructor(
    readonly detector: ChangeDetector,
    readonly scaler: SeriesScaler,
  ) {}

  /** Feeds one observation; returns the detector's statistic (null while the reference fills) and any alarm. */
  push(step: number, value: number): { statistic: number | null; alarm?: ChangePoint } {
    const z = this.scaler.push(step, value);
    if (z === null) return { statistic: null };
    this.steps.push(step);
    if (this.steps.length > 1024) this.steps.splice(0, 512);
    const r = this.detector.push(z);
    if (!r.alarm) return { statistic: r.statistic };
    const at = this.steps[Math.max(0, this.steps.length - 1 - r.alarm.lag)];
    this.scaler.restart();
    this.steps = [];
    return {
      statistic: r.statistic,
      alarm: { step, changeStep: at, detector: this.detector.name, direction: r.alarm.direction },
    };
  }
}
