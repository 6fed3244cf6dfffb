/**
 * Divergence and loss-spike alerts (docs/monitor.md §alerts), raised before the training loop's
 * own non-finite check stops a run:
 * - loss spike: a step's training loss above median + f·1.4826·MAD of the previous W step losses
 *   (a robust z-score above f) and above 1.5 × the median; at most one alert per window;
 * - divergence: sharpness × η/2 above the limit (gradient descent is unstable along the top
 *   Hessian direction once λ_max > 2/η) for `consecutive` observations, or the gradient norm
 *   grown tenfold over that many observations.
 */

export interface Alert {
  kind: "loss_spike" | "divergence_alert";
  payload: Record<string, unknown>;
}

function median(a: readonly number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export class LossSpikeAlert {
  private window: number[] = [];
  private quietUntil = -Infinity;

  constructor(
    readonly size: number,
    readonly factor: number,
  ) {}

  push(step: number, loss: number): Alert | null {
    const w = this.window;
    let alert: Alert | null = null;
    if (w.length >= Math.min(this.size, 10) && step >= this.quietUntil && Number.isFinite(loss)) {
      const med = median(w);
      const mad = median(w.map((v) => Math.abs(v - med)));
      const limit = med + this.factor * 1.4826 * mad;
      if (loss > limit && loss > 1.5 * med) {
        alert = { kind: "loss_spike", payload: { loss, median: med, mad, limit } };
        this.quietUntil = step + this.size;
      }
    }
    w.push(loss);
    if (w.length > this.size) w.shift();
    return alert;
  }
}

export class DivergenceAlert {
  private above = 0;
  private grads: number[] = [];
  private fired = false;

  constructor(
    readonly sharpnessLimit: number,
    readonly consecutive: number,
  ) {}

  push(values: Record<string, number>): Alert | null {
    if (this.fired) return null;
    const r = values.sharpnessRatio;
    if (r !== undefined) this.above = r > this.sharpnessLimit ? this.above + 1 : 0;
    if (this.above >= this.consecutive) {
      this.fired = true;
      return {
        kind: "divergence_alert",
        payload: {
          reason:
            `sharpness × η/2 = ${r.toPrecision(4)} has stayed above ${this.sharpnessLimit} for ${this.consecutive} ` +
            "observations: gradient descent is unstable along the top Hessian direction",
          sharpnessRatio: r,
        },
      };
    }
    const g = values.gradNorm;
    if (g !== undefined) {
      this.grads.push(g);
      if (this.grads.length > this.consecutive + 1) this.grads.shift();
      const first = this.grads[0];
      if (this.grads.length === this.consecutive + 1 && first > 0 && g > 10 * first) {
        this.fired = true;
        return {
          kind: "divergence_alert",
          payload: {
            reason: `the gradient norm grew from ${first.toPrecision(4)} to ${g.toPrecision(4)} over ${this.consecutive} observations`,
            gradNorm: g,
          },
        };
      }
    }
    return null;
  }
}
