/** Learning-rate schedules: values at chosen steps, computed by hand. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeSchedule, scheduleConfig } from "../../src/optim/schedule.ts";
import { assertClose } from "../core/helpers.ts";

const cfg = (raw: unknown) => scheduleConfig.parse(raw);

test("constant (also the default)", () => {
  assert.equal(makeSchedule(undefined, 0.1, 100)(57), 0.1);
  assert.equal(makeSchedule(cfg({ name: "constant" }), 0.1, 100)(0), 0.1);
});

test("step: lr·γ^⌊t/s⌋", () => {
  const s = makeSchedule(cfg({ name: "step", stepSize: 10, gamma: 0.5 }), 1, 100);
  assert.deepEqual([0, 9, 10, 19, 20, 35].map(s), [1, 1, 0.5, 0.5, 0.25, 0.125]);
});

test("cosine: from lr to minLr over the run", () => {
  const s = makeSchedule(cfg({ name: "cosine", minLr: 0.1 }), 1.1, 100);
  assertClose(s(0), 1.1, 1e-15, "start");
  assertClose(s(50), 0.6, 1e-15, "middle");
  assertClose(s(25), 0.1 + 0.5 * (1 + Math.SQRT1_2), 1e-15, "quarter");
  assertClose(s(100), 0.1, 1e-15, "end");
});

test("warm-up ramps lr·(t+1)/W, then the schedule runs over the remaining steps", () => {
  const s = makeSchedule(cfg({ name: "cosine", warmup: 4 }), 1, 104);
  assert.deepEqual([0, 1, 2, 3].map(s), [0.25, 0.5, 0.75, 1]);
  assertClose(s(4), 1, 1e-15, "cosine starts after the warm-up");
  assertClose(s(54), 0.5, 1e-15, "cosine midpoint of the 100 remaining steps");
});

test("unknown schedule fields are rejected", () => {
  assert.equal(scheduleConfig.safeParse({ name: "cosine", stepSize: 3 }).success, false);
  assert.equal(scheduleConfig.safeParse({ name: "linear" }).success, false);
});
