/**
 * The smc replicates on two threads (docs/local-entropy.md §threads): for a portable objective (a
 * registry model's loss) the result at two threads is the one-thread result bit for bit — every
 * field but `details.chainThreads` — and so are the evaluations counted, for several replicate
 * counts, a run that doubles its particles and one whose rerun does not fit the budget (the
 * previous answer kept). A budget that runs out inside a replicate, in either thread's half,
 * throws the same error (message and evaluations) with the same count behind it, and a replicate's
 * failure on the worker comes back as the same error after the same evaluations.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { foldIn, key } from "../../src/core/random.ts";
import {
  countingObjective,
  localEntropy,
  quadraticObjective,
  SmcBudgetError,
  type EvaluationCount,
  type Objective,
  type SmcOptions,
} from "../../src/coarse/index.ts";
import { budgetCheck, replicateRuns } from "../../src/coarse/smc.ts";
import { smcRun, type SmcRun } from "../../src/coarse/smcRun.ts";
import {
  decodeReplicate,
  encodeReplicate,
  replayReplicates,
  type ReplicateRecord,
} from "../../src/coarse/smcReplicates.ts";
import { InputError } from "../../src/errors.ts";
import { atThreads, reluXent, tinyNetwork, withoutThreads } from "./helpers.ts";

type Smc = Omit<SmcOptions, "t" | "beta"> & { t: number; beta: number };

/** The estimate (or its error) and the evaluations a counting wrapper of the objective saw. */
function outcome(threads: number, obj: Objective, x: Float64Array, o: Smc) {
  const { objective, count } = countingObjective(obj);
  try {
    const r = atThreads(threads, () => localEntropy(objective, x, { method: "smc", ...o }));
    return { r, count };
  } catch (e) {
    if (!(e instanceof SmcBudgetError)) throw e;
    return { error: { message: e.message, evaluations: e.evaluations }, count };
  }
}

test("smc at two threads equals one thread bit for bit: every field of the result and the evaluations counted", () => {
  const net = tinyNetwork(7);
  const rx = reluXent();
  const small = { particles: 16, maxMoves: 4 };
  const cases: [string, Objective, Float64Array, Smc][] = [
    ["tanh mse, 4 replicates", net.objective, net.x0, { t: 0.5, beta: 8, seed: 1, replicates: 4, ...small }],
    ["relu xent, 5 replicates", rx.objective, rx.x0, { t: 0.3, beta: 20, seed: 2, replicates: 5, ...small }],
    ["tanh mse, 8 replicates", net.objective, net.x0, { t: 0.5, beta: 8, seed: 3, ...small }],
    [
      "particles doubled",
      net.objective,
      net.x0,
      { t: 0.5, beta: 8, seed: 4, replicates: 4, stderr: 1e-9, maxParticles: 64, ...small },
    ],
  ];
  for (const [what, obj, x, o] of cases) {
    const one = outcome(1, obj, x, o);
    const two = outcome(2, obj, x, o);
    assert.ok(one.r && two.r, what);
    assert.equal(one.r.details.chainThreads, 1, what);
    assert.equal(two.r.details.chainThreads, 2, what);
    assert.deepStrictEqual(withoutThreads(two.r), withoutThreads(one.r), what);
    assert.deepStrictEqual(two.count, one.count, what);
    assert.equal(one.r.samples, one.count.gradients, what);
    if (what === "particles doubled") assert.equal(one.r.details.particles, 64, "two reruns");
  }
});

test("smc at two threads: a rerun that does not fit keeps the previous answer, a pilot over budget throws, as at one thread", () => {
  const net = tinyNetwork(7);
  const o = { t: 0.5, beta: 8, seed: 5, replicates: 4, particles: 16, maxMoves: 4, stderr: 1e-9 };
  const first = outcome(1, net.objective, net.x0, { ...o, maxParticles: 16 }).r!;
  // room for round 0 and half of round 1's (twice as dear) pilot
  const budget = 2 * first.samples;
  const one = outcome(1, net.objective, net.x0, { ...o, maxEvaluations: budget });
  const two = outcome(2, net.objective, net.x0, { ...o, maxEvaluations: budget });
  assert.ok(one.r && two.r);
  assert.ok(
    one.r.warnings.some((w) => w.includes("a rerun with 32 particles did not fit the budget")),
    one.r.warnings.join("; "),
  );
  assert.ok(one.r.samples > first.samples, "the abandoned pilot's evaluations are counted");
  assert.deepStrictEqual(withoutThreads(two.r), withoutThreads(one.r));
  assert.deepStrictEqual(two.count, one.count);

  const over = [1, 2].map((threads) => outcome(threads, net.objective, net.x0, { ...o, maxEvaluations: 500 }));
  assert.match(over[0].error?.message ?? "", /budget of 500 evaluations does not suffice .* in the pilot run/);
  assert.deepStrictEqual(over[1], over[0]);
});

const roundNet = tinyNetwork(7);
const roundSettings = { x: roundNet.x0, t: 0.5, beta: 8, particles: 16, essFraction: 0.8, maxMoves: 4 };
const roundPilot = smcRun(roundNet.objective, { ...roundSettings, spend: () => {} }, key(90));

/** The replicates of one round after a pilot, at one thread or split, with `spentBefore` already counted. */
function round(threads: 1 | 2, budget: number, spentBefore: number, R: number) {
  const { objective, count } = countingObjective(roundNet.objective);
  count.gradients = spentBefore;
  const s = { ...roundSettings, spend: budgetCheck(count, budget, () => budget) };
  let runs: SmcRun[] | null = null;
  let error: unknown = null;
  try {
    runs = replicateRuns(objective, s, roundPilot.schedule, foldIn(key(91), 0), R, threads, spentBefore, budget);
  } catch (e) {
    error = e instanceof SmcBudgetError ? { message: e.message, evaluations: e.evaluations } : e;
  }
  return { runs, error, count: { ...count } };
}

test("a budget that runs out inside a replicate, in either half, throws the one-thread loop's error with its count", () => {
  const R = 5;
  // every replicate costs what the pilot did: 16 at λ = 0, 16 a sweep
  const c = 16 * (1 + roundPilot.schedule.sweeps.reduce((a, b) => a + b, 0));
  const P = 1234;
  // in replicate 1 (this thread's half); in replicate 2 (the worker's first; the worker stops by
  // itself in replicate 4); at each spend point of replicate 3 in turn (after 16(k + 1) of its
  // evaluations); inside replicate 4; exactly at the end of the round (the check is count > budget:
  // it fits); one evaluation short of it
  const inThird = Array.from({ length: c / 16 }, (_, k) => P + 3 * c + 16 * (k + 1) - 1);
  for (const budget of [P + 1.5 * c, P + 2.5 * c, ...inThird, P + 4.2 * c, P + 5 * c, P + 5 * c - 1]) {
    const one = round(1, budget, P, R);
    const two = round(2, budget, P, R);
    const what = `budget P + ${((budget - P) / c).toFixed(3)} replicates`;
    assert.deepStrictEqual(two, one, what);
    if (budget === P + 5 * c) assert.equal(one.runs?.length, R, what);
    else assert.ok(one.error !== null && one.count.gradients > budget, what);
    const k = inThird.indexOf(budget);
    if (k >= 0) assert.equal((one.error as { evaluations: number }).evaluations, budget + 1, `${what}: at point ${k}`);
  }
});

test("the replay throws a replicate's failure after reporting its evaluations, and refuses a stop the loop would not make", () => {
  const at = (gradients: number): EvaluationCount => ({ values: 0, gradients, hvps: 0 });
  const run = { logZ: -1, mean: Float64Array.of(0.5), schedule: { lambdas: [1], etas: [0.1], sweeps: [2] } };
  const ok: ReplicateRecord = {
    points: [
      { lambda: 0, count: at(16) },
      { lambda: 1, count: at(48) },
    ],
    count: at(48),
    run: { ...run, acceptance: 0.6, distinct: 1 },
  };
  const failed = decodeReplicate(
    encodeReplicate({
      points: [{ lambda: 0, count: at(64) }],
      count: at(70),
      failure: new Error("the objective returned NaN at a Langevin proposal"),
    }),
  );
  const seen: [string, number][] = [];
  const report = (e: EvaluationCount) => seen.push(["report", e.gradients]);
  assert.throws(
    () => replayReplicates([ok, failed], (lambda) => seen.push(["spend", lambda]), report),
    /^Error: the objective returned NaN at a Langevin proposal$/,
  );
  assert.deepStrictEqual(seen, [
    ["report", 16],
    ["spend", 0],
    ["report", 32],
    ["spend", 1],
    ["report", 0],
    ["report", 16],
    ["spend", 0],
    ["report", 6],
  ]);
  const input = decodeReplicate(
    encodeReplicate({ points: [], count: at(0), failure: new InputError("x: bad", { field: "x" }) }),
  );
  assert.ok(input.failure instanceof InputError && input.failure.field === "x");
  const stopped: ReplicateRecord = { points: [{ lambda: 0, count: at(16) }], count: at(16), overBudget: true };
  assert.throws(
    () =>
      replayReplicates(
        [stopped],
        () => {},
        () => {},
      ),
    /the second thread stopped at the budget where one thread would not have/,
  );
});

test("objectives that cannot be rebuilt on a worker keep smc's replicates on one thread and say why", () => {
  const quad = quadraticObjective(
    [
      [2, 0.3],
      [0.3, 1],
    ],
    [0.1, 0.2],
  );
  const x = Float64Array.of(0.3, -0.2);
  const o = { t: 0.4, beta: 5, seed: 7, replicates: 4, particles: 16, maxMoves: 4 };
  const two = outcome(2, quad, x, o).r!;
  assert.equal(two.details.chainThreads, 1);
  assert.match(
    String(two.details.chainThreadsNote),
    /^2 threads asked for, replicates on one: the objective is not portable/,
  );
  const one = outcome(1, quad, x, o).r!;
  assert.equal(one.details.chainThreadsNote, undefined, "one thread asked for: nothing to say");
  assert.deepStrictEqual(withoutThreads(two), withoutThreads(one));
});
