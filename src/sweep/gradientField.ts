/**
 * The gradient-field test of one run of a sweep (docs/sweeps.md §phase-diagram), as `shocklens
 * verify` does it for its own networks (docs/gradient-field.md §verify) but at the run's trained
 * weights with the run's optimizer, learning rate and batch size: on the slice θ₀ + s₁d₁ + s₂d₂
 * (θ₀ the balanced trained weights, d₁, d₂ the top and bottom quotient-Hessian eigenvectors), is
 * the optimizer's mean drift a gradient field in the induced metric? Measured by the Hodge
 * non-gradient fraction of the induced-metric excess (noise-debiased) on verify's grid, and the
 * circulation of the excess on verify's headline loop (common random numbers, a t-test). The test
 * fails where the fraction reaches the threshold verify fixed beforehand (1 %).
 *
 * The excess is a control variate only where every replicate's raw drift is an exact batch
 * gradient, so the test covers plain SGD (weight decay allowed, no momentum); other optimizers are
 * an input error. `sweep report --gradient-field` tests each finished run once and stores the result
 * as a `gradient_field` event of the run, which later reports read instead of testing again.
 */
import { foldIn, key as keyOf } from "../core/random.ts";
import { horizontalDirections } from "../experiments/families.ts";
import { headlineLoop, hodgeGrid, NON_GRADIENT_THRESHOLD, nonGradientFractionOf } from "../experiments/verifyField.ts";
import {
  affineChart,
  circulationTest,
  hodgeTest,
  invariantMap,
  makeStepper,
  quotientDriftField,
  type Problem,
} from "../gradientfield/index.ts";
import { InputError } from "../errors.ts";
import { loadWeights } from "../nn/files.ts";
import type { SqliteRunStore } from "../store/sqlite.ts";
import type { RunStore } from "../store/types.ts";
import { groupOf } from "../nn/registry.ts";
import { ravel } from "../core/tree.ts";
import { parseRunConfig, type RunConfig } from "../train/config.ts";
import { prepareRun } from "../train/setup.ts";

/** The event a run's test is stored as. */
export const GRADIENT_FIELD_EVENT = "gradient_field";

export interface RunGradientField {
  /** Induced-metric non-gradient fraction of the mean drift on the slice. */
  nonGradientFraction: number;
  threshold: number;
  /** nonGradientFraction ≥ threshold. */
  failed: boolean;
  /** Circulation of the induced-metric excess on the headline loop: mean, standard error, two-sided p. */
  circulation: { mean: number; stderr: number; p: number };
  /** Sign-flip p of "the mean field is a gradient" (Hodge), null without noise. */
  hodgeP: number | null;
  lr: number;
  batchSize: number;
}

export interface GradientFieldBudget {
  /** Replicates of the circulation. */
  replicates: number;
  /** Points on the loop. */
  K: number;
  /** Hodge grid nodes per axis, and replicates. */
  hodgeN: number;
  hodgeReplicates: number;
}

/** Smaller than verify's budget: a sweep tests every run. */
export const SWEEP_GRADIENT_FIELD_BUDGET: GradientFieldBudget = {
  replicates: 16,
  K: 24,
  hodgeN: 7,
  hodgeReplicates: 8,
};

/** The test at a finished run's weights (its `weights` artifact), with the stream of `seed`. */
export function gradientFieldOfRun(
  store: Pick<RunStore, "getRun" | "artifacts">,
  runId: string,
  seed = 0,
  budget: GradientFieldBudget = SWEEP_GRADIENT_FIELD_BUDGET,
): RunGradientField {
  const run = store.getRun(runId);
  const config = parseRunConfig(run.config, `run ${runId} config`);
  const weights = store.artifacts(runId).find((a) => a.kind === "weights");
  if (!weights) throw new InputError(`gradient-field test of run ${runId}: the run has no weights artifact to test`);
  const o = config.optimizer;
  if (o.name !== "sgd" || o.momentum !== 0)
    throw new InputError(
      `gradient-field test of run ${runId}: covers plain SGD without momentum, got ${o.name}` +
        (o.name === "sgd" ? ` with momentum ${o.momentum}` : ""),
    );
  try {
    return testAtWeights(config, weights.path, seed, budget);
  } catch (err) {
    // e.g. a model whose symmetry has no closed-form invariants: say which run could not be tested
    if (err instanceof InputError) throw new InputError(`gradient-field test of run ${runId}: ${err.message}`);
    throw err;
  }
}

function testAtWeights(
  config: RunConfig,
  weightsPath: string,
  seed: number,
  budget: GradientFieldBudget,
): RunGradientField {
  const prepared = prepareRun(config, "run config");
  const template = prepared.initialState().params;
  const problem: Problem = {
    model: prepared.model,
    template,
    x: prepared.task.train.x,
    y: prepared.task.train.y,
    loss: prepared.loss,
  };
  const group = groupOf(config.model);
  const theta0 = ravel(group.canonicalize(loadWeights(weightsPath, prepared.model)));
  const key = keyOf(seed);
  const { directions } = horizontalDirections(group, problem, theta0, foldIn(key, 1));
  const chart = affineChart(
    theta0,
    directions,
    "θ₀ + s₁d₁ + s₂d₂: the run's balanced weights, top and bottom quotient-Hessian eigenvectors",
  );
  const stepper = makeStepper(problem, {
    kind: "step",
    optimizer: config.optimizer,
    batchSize: config.batchSize,
    replacement: config.replacement,
  });
  const field = quotientDriftField({
    chart,
    stepper,
    invariants: invariantMap(group, template),
    coordinates: ["quotient-metric", "quotient-metric-excess"],
  });
  const circ = circulationTest(field, headlineLoop(budget.K), { replicates: budget.replicates, key: foldIn(key, 2) });
  const excess = excessOf(circ).test;
  const hodge = hodgeTest(field, hodgeGrid(budget.hodgeN), { replicates: budget.hodgeReplicates, key: foldIn(key, 4) });
  const nonGradientFraction = nonGradientFractionOf(hodge);
  return {
    nonGradientFraction,
    threshold: NON_GRADIENT_THRESHOLD,
    failed: nonGradientFraction >= NON_GRADIENT_THRESHOLD,
    circulation: { mean: excess.mean, stderr: excess.stderr, p: excess.p },
    hodgeP: excessOf(hodge).p,
    lr: config.optimizer.lr,
    batchSize: config.batchSize,
  };
}

/** The result in the induced-metric excess coordinates (the field is built with them). */
function excessOf<T extends { coordinates: { name: string } }>(results: readonly T[]): T {
  const found = results.find((r) => r.coordinates.name === "quotient-metric-excess");
  if (!found) throw new Error("gradient-field test: no result in quotient-metric-excess coordinates");
  return found;
}

/** The test stored with a run (its last `gradient_field` event), or null. */
export function storedGradientField(store: Pick<RunStore, "events">, runId: string): RunGradientField | null {
  const found = store.events(runId, { kind: GRADIENT_FIELD_EVENT });
  return found.length ? (found[found.length - 1].payload as unknown as RunGradientField) : null;
}

/**
 * Tests every finished run of a sweep that has no stored test yet (runs that diverged or failed
 * have no trained weights to test) and stores each result as a `gradient_field` event at the
 * run's last step. `onRun(done, total)` reports progress. Returns how many runs were tested now
 * and how many already had a stored test.
 */
export function testSweepGradientField(
  store: SqliteRunStore,
  ref: string,
  o: { seed?: number; budget?: GradientFieldBudget; onRun?: (done: number, total: number) => void } = {},
): { tested: number; stored: number } {
  const table = store.sweeps();
  const runIds = table
    .jobs(table.sweep(ref).id, ["FINISHED"])
    .map((j) => j.runId)
    .filter((id): id is string => id !== null && store.getRun(id).status === "FINISHED");
  const untested = runIds.filter((id) => storedGradientField(store, id) === null);
  untested.forEach((id, i) => {
    const result = gradientFieldOfRun(store, id, o.seed, o.budget);
    const step = Math.max(0, ...Object.values(store.getRun(id).lastScalars).map((v) => v.step));
    store.logEvent(id, { step, kind: GRADIENT_FIELD_EVENT, payload: { ...result } });
    o.onRun?.(i + 1, untested.length);
  });
  return { tested: untested.length, stored: runIds.length - untested.length };
}
