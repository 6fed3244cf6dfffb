/**
 * The training loop: mini-batch gradient, divergence check, optimizer step, periodic logging,
 * evaluation and checkpoints — with no I/O of its own. What a step produced (scalars, events, and
 * the state when a checkpoint is due) goes to a `Sink` in step order; monitors are `Callback`s
 * that see every step and may add scalars and events to its record.
 *
 * Step t (1-based) draws the batch at sampler position t−1 (Entropy-SGD draws L of them), takes
 * lr = schedule(t−1) and the noise key foldIn(optKey, t−1): everything a step does is a function
 * of the state after step t−1, which is why resuming from a checkpoint is bit-identical.
 */
import type { Tensor } from "../core/tensor.ts";
import { valueAndGrad } from "../core/autodiff.ts";
import { type Key, foldIn } from "../core/random.ts";
import type { BatchSampler } from "../data/sampler.ts";
import type { Split, TaskData } from "../data/types.ts";
import type { Model } from "../nn/index.ts";
import { lossFn, type LossName } from "../nn/losses.ts";
import type { Schedule } from "../optim/schedule.ts";
import type { Optimizer } from "../optim/types.ts";
import { type Tree, namedLeaves } from "../core/tree.ts";
import type { TrainState } from "./checkpoint.ts";
import { evaluateSplit } from "./evaluate.ts";
import { compiledValueAndGrad } from "../compiled/valueAndGrad.ts";

/** What one step leaves in the run's log; scalars and events are written together. */
export interface StepRecord {
  step: number;
  scalars: Record<string, number>;
  events: { kind: string; payload: Record<string, unknown> }[];
}

export interface StepInfo {
  step: number;
  totalSteps: number;
  /** Mini-batch loss at the parameters before the update. */
  loss: number;
  lr: number;
  /** ‖g‖₂ of that mini-batch gradient. */
  gradNorm: number;
  grads: Tree;
  /** The state after the update. */
  state: TrainState;
  batch: Split;
  /** Add scalars or events here; they are stored with the step. */
  record: StepRecord;
}

/** A monitor plugged into the loop; every hook is optional and synchronous. */
export interface Callback {
  onStart?(state: TrainState, totalSteps: number): void;
  onStep?(info: StepInfo): void;
  onEval?(step: number, metrics: Record<string, number>, record: StepRecord): void;
  onEnd?(result: LoopResult): void;
}

/** Persists step records in order; `checkpoint` is the state to save when one is due, else null. */
export interface Sink {
  commit(record: StepRecord, checkpoint: TrainState | null): void;
}

export interface Divergence {
  step: number;
  /** What went non-finite: "loss", "gradient" or "parameters". */
  what: "loss" | "gradient" | "parameters";
  cause: string;
}

export interface LoopResult {
  status: "finished" | "interrupted" | "diverged";
  /** The last good state (for a divergence: the state before the failing step). */
  state: TrainState;
  /** The last evaluation: test/loss, test/accuracy (and train/… with evalTrain). */
  metrics: Record<string, number>;
  divergence?: Divergence;
}

export interface LoopOptions {
  model: Model;
  loss: LossName;
  task: TaskData;
  optimizer: Optimizer;
  schedule: Schedule;
  sampler: BatchSampler;
  optKey: Key;
  totalSteps: number;
  logEvery: number;
  /** 0: evaluate only at step 0 and at the end. */
  evalEvery: number;
  evalTrain: boolean;
  evalBatchSize: number;
  /** 0: checkpoint only at the end (and when interrupted). */
  checkpointEvery: number;
  start: TrainState;
  callbacks?: readonly Callback[];
  sink?: Sink;
  /**
   * Aborting stops the loop after the current step, which is then checkpointed (the loop yields to the
   * event loop every ~50 ms so a signal handler can abort it).
   */
  signal?: AbortSignal;
  /**
   * Take the mini-batch gradients through compiled plans (src/compiled: mlp and transformer models
   * with relu, tanh or identity). Same numbers, bit for bit; an InputError for a model without a
   * compiled form.
   */
  compile?: boolean;
}

class DivergenceError extends Error {
  constructor(readonly divergence: Divergence) {
    super(divergence.cause);
  }
}

/**
 * ‖tree‖₂, or a DivergenceError naming the first non-finite element. The sum of squares is scaled
 * by the largest |gᵢ| (as BLAS dnrm2 does) so that finite entries above 1e154 do not overflow it.
 */
function finiteNorm(tree: Tree, step: number, what: Divergence["what"], label: string): number {
  // "the gradient of w[3] is NaN at step 7", "the update made w[3] Infinity at step 7"
  const verb = what === "parameters" ? "" : "is ";
  const named = namedLeaves(tree);
  let m = 0;
  for (const [name, t] of named) {
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      const a = Math.abs(d[i]);
      if (!(a <= Number.MAX_VALUE))
        throw new DivergenceError({ step, what, cause: `${label} ${name}[${i}] ${verb}${d[i]} at step ${step}` });
      if (a > m) m = a;
    }
  }
  if (m === 0) return 0;
  let s = 0;
  for (const [, t] of named) for (const v of t.data) s += (v / m) * (v / m);
  return m * Math.sqrt(s);
}

/** How often the loop yields to the event loop, so signals (Ctrl-C) and timers get through. */
const YIELD_MS = 50;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function trainLoop(o: LoopOptions): Promise<LoopResult> {
  const L = lossFn(o.loss);
  const vg = o.compile
    ? compiledValueAndGrad(o.model.config, o.loss)
    : valueAndGrad((p: Tree, x: Tensor, y: Tensor) => L(o.model.apply(p, x), y));
  const callbacks = o.callbacks ?? [];
  const total = o.totalSteps;
  let state = o.start;
  let metrics: Record<string, number> = {};
  let lastYield = performance.now();

  /** Test (and train) metrics at `params`; a non-finite one is a divergence at `step`. */
  const evaluate = (step: number, params: Tree): Record<string, number> => {
    const m: Record<string, number> = {};
    const splits: [string, Split][] = [
      ["test", o.task.test],
      ...(o.evalTrain ? [["train", o.task.train] as [string, Split]] : []),
    ];
    for (const [name, split] of splits) {
      if (split.x.shape[0] === 0) continue;
      const r = evaluateSplit(o.model, params, split, o.loss, o.evalBatchSize);
      if (!Number.isFinite(r.loss))
        throw new DivergenceError({ step, what: "loss", cause: `the ${name} loss is ${r.loss} at step ${step}` });
      m[`${name}/loss`] = r.loss;
      if (r.accuracy !== undefined) m[`${name}/accuracy`] = r.accuracy;
    }
    return m;
  };
  const evaluated = (step: number, m: Record<string, number>, record: StepRecord) => {
    Object.assign(record.scalars, m);
    metrics = m;
    for (const c of callbacks) c.onEval?.(step, m, record);
  };
  const finish = (r: LoopResult): LoopResult => {
    for (const c of callbacks) c.onEnd?.(r);
    return r;
  };

  for (const c of callbacks) c.onStart?.(state, total);
  if (state.step === 0 && total > 0) {
    const record: StepRecord = { step: 0, scalars: {}, events: [] };
    try {
      evaluated(0, evaluate(0, state.params), record);
    } catch (err) {
      if (!(err instanceof DivergenceError)) throw err;
      return finish({ status: "diverged", state, metrics, divergence: err.divergence });
    }
    o.sink?.commit(record, null);
  }
  while (state.step < total) {
    if (performance.now() - lastYield > YIELD_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    const t = state.step + 1;
    let position = state.position;
    const batch = o.sampler.batch(o.task.train, position++);
    let loss: number, gradNorm: number, grads: Tree, next: { params: Tree; state: typeof state.opt };
    let m: Record<string, number> | null = null;
    const lr = o.schedule(t - 1);
    try {
      const r = vg(state.params, batch.x, batch.y);
      loss = r.value.item();
      if (!Number.isFinite(loss))
        throw new DivergenceError({ step: t, what: "loss", cause: `the loss is ${loss} at step ${t}` });
      grads = r.grad;
      gradNorm = finiteNorm(grads, t, "gradient", "the gradient of");
      const gradAt = (p: Tree): Tree => {
        const b = o.sampler.batch(o.task.train, position++);
        const g = vg(p, b.x, b.y).grad;
        finiteNorm(g, t, "gradient", "an inner-loop gradient of");
        return g;
      };
      next = o.optimizer.step(state.params, grads, state.opt, {
        lr,
        key: foldIn(o.optKey, t - 1),
        gradAt,
        compiled: o.compile === true,
      });
      finiteNorm(next.params, t, "parameters", "the update made");
      if ((o.evalEvery > 0 && t % o.evalEvery === 0) || t === total) m = evaluate(t, next.params);
    } catch (err) {
      if (!(err instanceof DivergenceError)) throw err;
      return finish({ status: "diverged", state, metrics, divergence: err.divergence });
    }
    state = { step: t, params: next.params, opt: next.state, position };
    const record: StepRecord = { step: t, scalars: {}, events: [] };
    if (t % o.logEvery === 0 || t === total)
      Object.assign(record.scalars, { "train/loss": loss, "train/grad_norm": gradNorm, lr });
    if (m) evaluated(t, m, record);
    const info: StepInfo = { step: t, totalSteps: total, loss, lr, gradNorm, grads, state, batch, record };
    for (const c of callbacks) c.onStep?.(info);
    const stop = o.signal?.aborted === true && t < total;
    const checkpoint = stop || t === total || (o.checkpointEvery > 0 && t % o.checkpointEvery === 0);
    o.sink?.commit(record, checkpoint ? state : null);
    if (stop) return finish({ status: "interrupted", state, metrics });
  }
  // Resumed at the very end (the final checkpoint was written, the run not yet marked finished).
  if (o.start.step >= total) metrics = evaluate(state.step, state.params);
  return finish({ status: "finished", state, metrics });
}
