/** Optimizer state ⇄ named tensors (what a checkpoint stores) round-trips exactly. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../../src/core/tensor.ts";
import { adam } from "../../src/optim/adam.ts";
import { stateFromNamed, stateToNamed } from "../../src/optim/state.ts";
import { ravel } from "../../src/core/tree.ts";

test("Adam state: trees become exp_avg.<name> tensors, the step counter a number, and back", () => {
  const params = {
    fc0: { weight: new Tensor(Float64Array.of(1, 2, 3, 4), [2, 2]), bias: new Tensor(Float64Array.of(0.5, -1), [2]) },
  };
  const opt = adam();
  const s = opt.step(params, params, opt.init(params), { lr: 0.1 }).state;
  const { tensors, numbers } = stateToNamed(s);
  assert.deepEqual(
    tensors.map(([n]) => n),
    ["exp_avg.fc0.weight", "exp_avg.fc0.bias", "exp_avg_sq.fc0.weight", "exp_avg_sq.fc0.bias"],
  );
  assert.deepEqual(numbers, { step: 1 });
  const back = stateFromNamed(opt.init(params), new Map(tensors), numbers);
  assert.equal(back.step, 1);
  assert.deepEqual(ravel(back.exp_avg), ravel(s.exp_avg));
  assert.deepEqual(ravel(back.exp_avg_sq), ravel(s.exp_avg_sq));
});

test("a missing or extra tensor is an error naming it", () => {
  const params = { w: new Tensor(Float64Array.of(1), [1]) };
  const opt = adam();
  const { tensors, numbers } = stateToNamed(opt.init(params));
  assert.throws(() => stateFromNamed(opt.init(params), new Map(tensors.slice(1)), numbers), /exp_avg/);
  assert.throws(
    () => stateFromNamed(opt.init(params), new Map([...tensors, ["junk.w", params.w]]), numbers),
    /junk\.w/,
  );
  assert.throws(() => stateFromNamed(opt.init(params), new Map(tensors), {}), /step/);
});
