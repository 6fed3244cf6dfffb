/**
 * The monitor's time budget (docs/monitor.md §config): how many training steps to wait before the
 * next observation so that monitoring takes about `budget` of the training time. With c_obs the
 * cost of one observation (an exponential average, weight 0.3 on the newest) and c_step the mean
 * cost of a training step since the first observation,
 *
 *   k = ⌈c_obs / (budget · c_step)⌉, clamped to [minEvery, maxEvery],
 *
 * so that one observation per k steps costs c_obs / (k · c_step) ≤ budget of the training time.
 * Times are whatever the caller measures (milliseconds of wall time in a run); this class only
 * does the arithmetic, so it is tested with scripted timings.
 */
export class BudgetInterval {
  private obsMs = 0;
  private observations = 0;

  constructor(
    private readonly budget: number,
    private readonly minEvery: number,
    private readonly maxEvery: number = Infinity,
  ) {}

  /**
   * Records an observation that took `ms`, with `trainMs` spent training over `steps` steps (from
   * the one before the first observation), and returns the interval to the next observation.
   */
  observed(ms: number, trainMs: number, steps: number): number {
    this.obsMs = this.observations === 0 ? ms : 0.7 * this.obsMs + 0.3 * ms;
    this.observations++;
    const stepMs = trainMs / Math.max(1, steps);
    const k = Math.ceil(this.obsMs / (this.budget * Math.max(stepMs, 1e-6)));
    return Math.min(Math.max(k, this.minEvery), this.maxEvery);
  }
}
