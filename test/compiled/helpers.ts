/**
 * Shared pieces of the compiled-step tests (mlp and transformer): seeded batches, configs,
 * bit-for-bit comparisons, the eager reference step and the scenarios both steps are held to.
 */
import assert from "node:assert/strict";
import { Tensor } from "../../src/core/tensor.ts";
import { key, foldIn, uniform, randint, normal } from "../../src/core/random.ts";
import { type Tree, leaves } from "../../src/core/tree.ts";
import { mlpConfig, type MlpConfig } from "../../src/nn/families/mlp.ts";
import type { LossName } from "../../src/nn/losses.ts";
import type { Optimizer, OptState } from "../../src/optim/types.ts";
import type { RunConfig } from "../../src/train/config.ts";
import { trainLoop } from "../../src/train/loop.ts";
import { prepareRun } from "../../src/train/setup.ts";
import { MemorySink } from "../train/helpers.ts";

/** A network case: layer sizes, activation, bias, loss and batch size. */
export interface NetCase {
  sizes: number[];
  act: string;
  bias: boolean;
  loss: LossName;
  rows: number;
}

export const cfgOf = (sizes: number[], activation: string, bias = true): MlpConfig =>
  mlpConfig.parse({ arch: "mlp", sizes, activation, bias });

export const caseName = (c: NetCase): string => `${c.sizes.join("-")} ${c.act} bias=${c.bias} ${c.loss} rows=${c.rows}`;

/** A seeded batch: inputs uniform in [−1, 1), targets class labels (xent) or normal values (mse). */
export function batch(seed: number, rows: number, cfg: MlpConfig, loss: LossName): { x: Tensor; t: Tensor } {
  const k = key(seed);
  const x = uniform(foldIn(k, 0), [rows, cfg.sizes[0]], -1, 1);
  const C = cfg.sizes[cfg.sizes.length - 1];
  const t =
    loss === "xent"
      ? new Tensor(Float64Array.from(randint(foldIn(k, 1), rows, 0, C)), [rows])
      : normal(foldIn(k, 1), [rows, C]);
  return { x, t };
}

/** Exact equality of every element (NaN equal to NaN, −0 distinct from +0). */
export function assertBitEqual(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: compiled ${a[i]} vs eager ${b[i]}`);
  }
}

export function assertTreesBitEqual(a: Tree, b: Tree, what: string): void {
  const la = leaves(a),
    lb = leaves(b);
  assert.equal(la.length, lb.length);
  la.forEach((t, j) => assertBitEqual(t.data, lb[j].data, `${what} leaf ${j}`));
}

/** The eager training step: valueAndGrad (vg), then optimizer.step (a new tree per step). */
export function eagerSteps<P extends Tree>(
  vg: (p: P, x: Tensor, t: Tensor) => { value: Tensor; grad: Tree },
  opt: Optimizer,
  params: P,
) {
  let p: Tree = params;
  let s: OptState = opt.init(params);
  return {
    step(x: Tensor, t: Tensor, lr: number): number {
      const r = vg(p as P, x, t);
      const out = opt.step(p, r.grad, s, { lr });
      p = out.params;
      s = out.state;
      return r.value.item();
    },
    get params() {
      return p;
    },
    get state() {
      return s;
    },
  };
}

/** What the compiled steps (mlp and transformer) offer a test: step, count, copies, restore. */
interface StepUnderTest {
  step(x: Tensor, t: Tensor, lr: number): number;
  readonly steps: number;
  params(): Tree;
  state(): OptState;
  restore(): number;
}

/**
 * Runs `compiled` and `eager` side by side over the batches: every loss and the parameters after
 * every step bit for bit, then the optimizer state (numbers equal, trees bit for bit).
 */
export function assertStepsMatchEager(
  compiled: StepUnderTest,
  eager: ReturnType<typeof eagerSteps>,
  batches: { x: Tensor; t: Tensor }[],
  lr: number,
): void {
  batches.forEach(({ x, t }, i) => {
    const le = eager.step(x, t, lr);
    const lc = compiled.step(x, t, lr);
    assert.ok(Object.is(lc, le), `step ${i + 1} loss: compiled ${lc} vs eager ${le}`);
    assertTreesBitEqual(compiled.params(), eager.params, `step ${i + 1} params`);
  });
  assert.equal(compiled.steps, batches.length);
  const cs = compiled.state(),
    es = eager.state;
  for (const k of Object.keys(es)) {
    const v = es[k];
    if (typeof v === "number") assert.equal(cs[k], v, `state ${k}`);
    else assertTreesBitEqual(cs[k] as Tree, v, `state ${k}`);
  }
}

/**
 * Divergence recovery (snapshotEvery 2): steps at learning rate `lr` until the loss is not finite;
 * that step is not applied, `restore()` returns the last even step with the parameters seen then,
 * and the run continues exactly as the eager run from that step.
 */
export function assertDivergesAndRestores(
  compiled: StepUnderTest,
  eager: ReturnType<typeof eagerSteps>,
  x: Tensor,
  t: Tensor,
  lr: number,
): void {
  const losses: number[] = [];
  let atSnapshot: Tree | null = null;
  for (let i = 0; i < 200 && (losses.length === 0 || Number.isFinite(losses[losses.length - 1])); i++) {
    if (compiled.steps % 2 === 0) atSnapshot = compiled.params();
    losses.push(compiled.step(x, t, lr));
  }
  const last = losses[losses.length - 1];
  assert.ok(!Number.isFinite(last), `the run diverged (last loss ${last})`);
  const applied = compiled.steps;
  assert.equal(applied, losses.length - 1, "the non-finite step was not applied");
  const back = compiled.restore();
  assert.equal(back, applied - (applied % 2));
  assert.equal(compiled.steps, back);
  assertTreesBitEqual(compiled.params(), atSnapshot as Tree, "restored params");
  for (let i = 0; i < back; i++) eager.step(x, t, lr);
  assertTreesBitEqual(compiled.params(), eager.params, "restored = eager at that step");
  assert.ok(Object.is(compiled.step(x, t, 1e-3), eager.step(x, t, 1e-3)));
}

/**
 * The training loop on `config` with and without `compile: true`: the same status, step, data
 * position, records and final parameters, bit for bit.
 */
export async function assertCompiledLoopMatchesEager(config: RunConfig, steps: number): Promise<void> {
  const p = prepareRun(config);
  const eager = new MemorySink(),
    compiled = new MemorySink();
  const a = await trainLoop(p.loopOptions(p.initialState(), { sink: eager }));
  const b = await trainLoop({ ...p.loopOptions(p.initialState(), { sink: compiled }), compile: true });
  assert.equal(b.status, a.status);
  assert.equal(b.state.step, steps);
  assert.equal(b.state.position, a.state.position);
  assert.deepEqual(compiled.records, eager.records);
  assertTreesBitEqual(b.state.params, a.state.params, "final params");
}
