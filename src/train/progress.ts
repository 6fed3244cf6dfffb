/**
 * Training progress through the shared facility (src/progress.ts): on a terminal a bar with the
 * step, the loss, steps per second and the ETA; elsewhere a status line every few seconds — so a
 * run started from a script or CI is never silent for minutes.
 */
import { Progress, type ProgressStream } from "../progress.ts";
import type { Callback } from "./loop.ts";

export interface ProgressOptions {
  /** The command's progress (default: a new one on stderr labelled `label`). */
  progress?: Progress;
  stream?: ProgressStream;
  label?: string;
}

/** A callback that reports every step as the "training" phase of `progress`. */
export function progressBar({ progress, stream, label = "train" }: ProgressOptions = {}): Callback {
  const p = progress ?? new Progress({ label, stream });
  let phase: ReturnType<Progress["phase"]> | null = null;
  return {
    onStart(state, total) {
      phase = p.phase("training", { total, unit: "steps" });
      phase.update(state.step);
    },
    onStep({ step, loss }) {
      phase?.update(step, `loss ${loss.toPrecision(4)}`);
    },
    onEnd() {
      phase?.end();
      phase = null;
    },
  };
}
