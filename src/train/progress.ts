/**
 * The progress bar of a training run (cli-progress) on stderr: step, loss, steps per second and
 * ETA. It is only shown on a terminal; colour is dropped when NO_COLOR is set (no-color.org).
 */
import cliProgress from "cli-progress";
import type { Callback } from "./loop.ts";

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Default: the stream is a TTY. */
  enabled?: boolean;
  label?: string;
}

/** A callback drawing the bar, or null when the bar is off (not a TTY, or disabled). */
export function progressBar({
  stream = process.stderr,
  enabled,
  label = "train",
}: ProgressOptions = {}): Callback | null {
  if (!(enabled ?? stream.isTTY === true)) return null;
  const color = !process.env.NO_COLOR;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        `${label} ${color ? "\u001b[36m{bar}\u001b[0m" : "{bar}"} ` +
        "{value}/{total} | loss {loss} | {rate} steps/s | ETA {eta_formatted}",
      barsize: 24,
      hideCursor: true,
      etaBuffer: 50,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let t0 = 0,
    s0 = 0;
  return {
    onStart(state, total) {
      t0 = performance.now();
      s0 = state.step;
      bar.start(total, state.step, { loss: "—", rate: "—" });
    },
    onStep({ step, loss }) {
      const rate = ((step - s0) * 1000) / Math.max(1, performance.now() - t0);
      bar.update(step, { loss: loss.toPrecision(4), rate: rate >= 10 ? rate.toFixed(0) : rate.toPrecision(2) });
    },
    onEnd() {
      bar.stop();
    },
  };
}
