/**
 * The interface every online change-point detector implements (CUSUM, Bayesian online change-point
 * detection), fed one standardised observation at a time. A detector restarts itself after an
 * alarm, so a second change is detected relative to the new regime.
 */

export interface DetectorAlarm {
  /** Whether the series moved up or down (CUSUM's side; BOCPD: sign of the new segment's mean shift). */
  direction: "up" | "down";
  /** How many observations before the current one the change began (0: the current one). */
  lag: number;
}

export interface DetectorStep {
  /**
   * The detector's evidence for a change, scaled so that an alarm fires when it exceeds 1 (CUSUM:
   * max(S⁺, S⁻)/h; BOCPD: posterior odds of the best change hypothesis over no change, / threshold).
   */
  statistic: number;
  alarm?: DetectorAlarm;
}

export interface ChangeDetector {
  readonly name: string;
  push(z: number): DetectorStep;
  reset(): void;
}
