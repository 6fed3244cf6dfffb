/**
 * The monitor's budget controller (docs/monitor.md §config) on scripted timings: the interval it
 * picks, k = ⌈c_obs / (budget · c_step)⌉, keeps the monitor's share of the training time at the
 * budget, follows a change in the cost of an observation, and stays within [minEvery, maxEvery].
 * (Wall-clock timings of a real run depend on the machine's load; these do not.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { BudgetInterval } from "../../src/monitor/budget.ts";

/** A run of `steps` steps of stepMs each, observed at step 1 and then every k steps; obsMs(step) per observation. */
function simulate(b: BudgetInterval, steps: number, stepMs: number, obsMs: (step: number) => number) {
  let trainMs = 0,
    monitorMs = 0,
    nextAt = 1;
  const ks: number[] = [];
  for (let step = 1; step <= steps; step++) {
    trainMs += stepMs;
    if (step < nextAt) continue;
    const ms = obsMs(step);
    monitorMs += ms;
    const k = b.observed(ms, trainMs, step); // observed from step 1: `step` steps trained
    ks.push(k);
    nextAt = step + k;
  }
  return { ks, overhead: monitorMs / trainMs };
}

test("budget interval: k = ⌈c_obs/(budget·c_step)⌉ and the overhead settles at the budget", () => {
  const { ks, overhead } = simulate(new BudgetInterval(0.2, 1), 4000, 1, () => 4);
  assert.deepEqual([...new Set(ks)], [20]); // ⌈4 / (0.2 · 1)⌉
  assert.ok(Math.abs(overhead - 0.2) < 0.005, `overhead ${overhead}`);
  const odd = simulate(new BudgetInterval(0.1, 1), 4000, 2.5, () => 3);
  assert.deepEqual([...new Set(odd.ks)], [12]); // ⌈3 / 0.25⌉
  assert.ok(odd.overhead <= 0.1 + 1e-3 && odd.overhead > 0.09, `overhead ${odd.overhead}`);
});

test("budget interval: a costlier observation lengthens the interval (exponential average, weight 0.3)", () => {
  const { ks } = simulate(new BudgetInterval(0.25, 1), 3000, 1, (step) => (step < 1000 ? 2 : 8));
  assert.equal(ks[0], 8);
  const after = ks.slice(ks.findIndex((k, i) => i > 0 && k > 8));
  // 2 → 8 ms: the averaged cost goes 2 + 6·(1 − 0.7^j) after j costly observations, k with it.
  const expected = [1, 2, 3, 4].map((j) => Math.ceil((8 - 6 * 0.7 ** j) / 0.25));
  assert.deepEqual(expected, [16, 21, 24, 27]);
  assert.deepEqual(after.slice(0, 4), expected);
  assert.equal(ks[ks.length - 1], 32);
});

test("budget interval: clamped to [minEvery, maxEvery]", () => {
  assert.deepEqual([...new Set(simulate(new BudgetInterval(0.5, 5), 500, 1, () => 0.1).ks)], [5]);
  assert.deepEqual([...new Set(simulate(new BudgetInterval(0.01, 1, 50), 500, 1, () => 10).ks)], [50]);
  // a step measured as taking no time never divides by zero
  assert.equal(new BudgetInterval(0.1, 1, 1000).observed(1, 0, 1), 1000);
});
