/**
 * Sweep specs and their expansion into jobs (docs/sweeps.md §spec, §jobs): the product of the
 * axes in a fixed order, overrides at dotted paths, seeds derived from the config hash (stable,
 * distinct, reproducible), random draws from a key, and one-line errors naming the field.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalJson, sha256Hex } from "../../src/store/codec.ts";
import { parseRunConfig } from "../../src/train/config.ts";
import { expandSweep, setPath } from "../../src/sweep/expand.ts";
import { parseSweepSpec, type SweepSpecInput } from "../../src/sweep/spec.ts";
import { tinyBase } from "./helpers.ts";

const spec = (over: Partial<SweepSpecInput> = {}) => parseSweepSpec({ name: "t", base: tinyBase(), ...over }, "s.yaml");

test("a grid expands to every combination, the last path fastest, each override set at its path", () => {
  const jobs = expandSweep(spec({ grid: { "optimizer.lr": [0.1, 0.2], batchSize: [4, 8, 16] } }));
  assert.equal(jobs.length, 6);
  assert.deepEqual(
    jobs.map((j) => [j.config.optimizer.lr, j.config.batchSize]),
    [
      [0.1, 4],
      [0.1, 8],
      [0.1, 16],
      [0.2, 4],
      [0.2, 8],
      [0.2, 16],
    ],
  );
  assert.deepEqual(jobs[4].overrides, { "optimizer.lr": 0.2, batchSize: 8 });
  assert.deepEqual(
    jobs.map((j) => j.index),
    [0, 1, 2, 3, 4, 5],
  );
});

test("the training seed is the first 52 bits of the hash of the labelled config; the job id its first 16 hex digits", () => {
  const [job] = expandSweep(spec({ grid: { "optimizer.lr": [0.3] } }));
  const labelled = parseRunConfig({ ...tinyBase(), seed: 0, optimizer: { name: "sgd", lr: 0.3 } });
  const h = sha256Hex(canonicalJson(labelled));
  assert.equal(job.id, h.slice(0, 16));
  assert.equal(job.config.seed, Number.parseInt(h.slice(0, 13), 16));
  assert.ok(Number.isSafeInteger(job.config.seed));
  assert.deepEqual({ ...job.config, seed: 0 }, labelled);
});

test("the same point gives the same job in any sweep and whatever defaults were written out; other points other seeds", () => {
  const a = expandSweep(spec({ grid: { "optimizer.lr": [0.1, 0.2] } }));
  const b = expandSweep(
    parseSweepSpec({ name: "other", base: { ...tinyBase(), evalTrain: false }, list: [{ "optimizer.lr": 0.2 }] }),
  );
  assert.equal(b[0].id, a[1].id);
  assert.equal(b[0].config.seed, a[1].config.seed);
  assert.notEqual(a[0].config.seed, a[1].config.seed);
});

test("seeds: K replicate labels per point give K different training seeds; a seed axis does the same", () => {
  const jobs = expandSweep(spec({ grid: { "optimizer.lr": [0.1, 0.2] }, seeds: 3 }));
  assert.equal(jobs.length, 6);
  assert.deepEqual(
    jobs.map((j) => j.overrides.seed),
    [0, 1, 2, 0, 1, 2],
  );
  assert.equal(new Set(jobs.map((j) => j.config.seed)).size, 6);
  const axis = expandSweep(spec({ grid: { "optimizer.lr": [0.1, 0.2], seed: [0, 1, 2] } }));
  assert.deepEqual(
    axis.map((j) => j.id),
    jobs.map((j) => j.id),
  );
});

test("list points combine with the grid; random draws are reproducible, inside their ranges, and combine too", () => {
  const s = spec({
    grid: { batchSize: [4, 8] },
    list: [{ "model.sizes.1": 4 }, { "model.sizes.1": 16, "model.activation": "relu" }],
    random: { count: 5, seed: 7, axes: { "optimizer.lr": { logUniform: [1e-3, 1] }, steps: { int: [3, 6] } } },
  });
  const jobs = expandSweep(s);
  assert.equal(jobs.length, 2 * 2 * 5);
  assert.deepEqual(jobs[5].config.model, { arch: "mlp", sizes: [2, 16, 2], activation: "relu", bias: true });
  for (const j of jobs) {
    assert.ok(j.config.optimizer.lr >= 1e-3 && j.config.optimizer.lr <= 1);
    assert.ok(Number.isInteger(j.config.steps) && (j.config.steps as number) >= 3 && (j.config.steps as number) <= 6);
  }
  const lrs = jobs.slice(0, 5).map((j) => j.config.optimizer.lr);
  assert.equal(new Set(lrs).size, 5);
  assert.deepEqual(
    expandSweep(s).map((j) => j.id),
    jobs.map((j) => j.id),
  );
  const reseeded = expandSweep(spec({ ...s, random: { ...s.random!, seed: 8 } }));
  assert.notDeepEqual(
    reseeded.map((j) => j.config.optimizer.lr),
    jobs.map((j) => j.config.optimizer.lr),
  );
});

test("setPath creates missing objects, refuses to walk through a number or past a list", () => {
  const o: Record<string, unknown> = { a: { b: 1 }, l: [1, 2] };
  setPath(o, "x.y.z", 3, "w");
  setPath(o, "l.1", 5, "w");
  assert.deepEqual(o, { a: { b: 1 }, l: [1, 5], x: { y: { z: 3 } } });
  assert.throws(() => setPath(o, "a.b.c", 1, "w"), /^InputError: w: a\.b\.c: a\.b is 1, not an object or a list$/);
  assert.throws(() => setPath(o, "l.2", 1, "w"), /l is a list of 2; "2" is not one of its indices/);
});

const bad: [string, Partial<SweepSpecInput> | Record<string, unknown>, RegExp][] = [
  ["an unknown top-level key", { grids: {} }, /^s\.yaml: grids: unknown key$/],
  ["an empty axis", { grid: { "optimizer.lr": [] } }, /^s\.yaml: grid\.optimizer\.lr: expected a non-empty list/],
  [
    "a malformed path",
    { grid: { "optimizer..lr": [1] } },
    /^s\.yaml: grid: "optimizer\.\.lr" is not a dotted config path/,
  ],
  [
    "an unknown config key",
    { grid: { "optimizer.lrr": [0.1] } },
    /^s\.yaml: job 0 \(optimizer\.lrr=0\.1\): optimizer: unknown key lrr|optimizer\.lrr: unknown key/,
  ],
  ["a bad value", { grid: { batchSize: [8, -1] } }, /^s\.yaml: job 1 \(batchSize=-1\): batchSize: /],
  ["an error in the base", { base: { ...tinyBase(), steps: "many" } }, /^s\.yaml: base: steps: /],
  [
    "a path set twice",
    { grid: { "optimizer.lr": [1] }, list: [{ optimizer: { name: "adam", lr: 1 } }] },
    /grid sets optimizer\.lr and list sets optimizer; give each path once/,
  ],
  [
    "a duplicate point",
    { grid: { "optimizer.lr": [0.1, 0.1] } },
    /job 1 \(optimizer\.lr=0\.1\): the same run config as job 0/,
  ],
  [
    "over budget",
    { grid: { "optimizer.lr": [0.1, 0.2, 0.3] }, budget: { jobs: 2 } },
    /expands to 3 jobs, more than budget\.jobs = 2/,
  ],
  [
    "an empty range",
    { random: { count: 2, axes: { "optimizer.lr": { uniform: [1, 0] } } } },
    /random\.axes\.optimizer\.lr: the range \[1,0\] is empty/,
  ],
  [
    "seeds twice",
    { grid: { seed: [1] }, seeds: 2 },
    /seeds: give replicate seeds either as seeds or as an axis over seed/,
  ],
];
for (const [what, over, pattern] of bad)
  test(`a spec with ${what} is refused with one line naming the field`, () => {
    assert.throws(
      () => expandSweep(parseSweepSpec({ name: "t", base: tinyBase(), ...over }, "s.yaml"), "s.yaml"),
      (e: Error) => e.name === "InputError" && !e.message.includes("\n") && pattern.test(e.message),
    );
  });
