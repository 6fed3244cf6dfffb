/**
 * Recording state for reverse-mode autodiff. Ops call `record` after computing their output; it
 * attaches a graph node only when gradients are being traced and some input needs one, so plain
 * evaluation (and the backward pass of a first-order gradient) builds no graph at all.
 */
import { Tensor, type OpDef } from "./tensor.ts";

let tracing = true;

export function isTracing(): boolean {
  return tracing;
}

/** Switches recording on or off and returns the previous mode (callers restore it in `finally`). */
export function setTracing(on: boolean): boolean {
  const prev = tracing;
  tracing = on;
  return prev;
}

/** Runs `fn` with graph recording switched on or off, restoring the previous mode afterwards. */
export function withTracing<T>(on: boolean, fn: () => T): T {
  const prev = tracing;
  tracing = on;
  try {
    return fn();
  } finally {
    tracing = prev;
  }
}

/** Evaluates `fn` without recording anything (like torch.no_grad). */
export function noGrad<T>(fn: () => T): T {
  return withTracing(false, fn);
}

export function record(out: Tensor, op: OpDef, inputs: readonly Tensor[], attrs: unknown = null): Tensor {
  if (!tracing) return out;
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i].requiresGrad) {
      out.requiresGrad = true;
      out.node = { op, inputs, attrs };
      return out;
    }
  }
  return out;
}
