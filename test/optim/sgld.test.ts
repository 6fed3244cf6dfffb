/** SGLD: the drift is a gradient step, the noise is √(2η/β)·N(0, 1) from the step's key. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { sgld } from "../../src/optim/sgld.ts";
import { assertAllClose } from "../core/helpers.ts";
import { run, values, vec } from "./helpers.ts";

test("β = ∞ is gradient descent, with weight decay added to the gradient", () => {
  const [s1] = run(sgld({ beta: Infinity, weightDecay: 0.5 }), [1, -2], [[0.5, 1]], { lr: 0.1, key: key(0) });
  assertAllClose(s1, [1 - 0.1 * (0.5 + 0.5), -2 - 0.1 * (1 - 1)], 1e-15, "step");
});

test("the noise has standard deviation √(2η/β) and comes only from the key", () => {
  const n = 20000;
  const opt = sgld({ beta: 50 });
  const p = vec(...new Array(n).fill(3));
  const g = vec(...new Array(n).fill(0));
  const step = (seed: number) => values(opt.step(p, g, opt.init(p), { lr: 0.01, key: key(seed) }).params);
  const a = step(1);
  const sd = Math.sqrt((2 * 0.01) / 50);
  const z = a.map((v) => (v - 3) / sd);
  const mean = z.reduce((s, v) => s + v, 0) / n;
  const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 5 * Math.sqrt(2 / n), `variance ${variance}`);
  assert.deepEqual(step(1), a, "same key, same noise");
  assert.notDeepEqual(step(2), a, "another key, other noise");
});

test("SGLD needs a key and a positive β", () => {
  const opt = sgld({ beta: 1 });
  const p = vec(1);
  assert.throws(() => opt.step(p, vec(0), opt.init(p), { lr: 0.1 }), /key/);
  assert.throws(() => sgld({ beta: 0 }), /beta/);
});
