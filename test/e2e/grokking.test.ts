/**
 * The grokking experiment, small version (docs/experiments.md §grokking): an MLP on a + b mod 29
 * memorises the training pairs (test accuracy at chance or below), then generalises past 95 %
 * within its 1 000 steps — reproducibly — and the monitor records the transition as a
 * phase_transition event with the lead times of the warnings before it. (Every seed and modulus of
 * the full study groks as well: docs/experiments.md §grokking.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { runGrokking, type GrokkingRun } from "../../src/experiments/grokking.ts";
import { scratch, storeIn } from "../train/helpers.ts";

test("grokking (p = 29, 1 000 steps): memorises, then groks to > 95 % test accuracy; the monitor books the transition", async () => {
  const store = SqliteRunStore.open(storeIn(scratch("shocklens-grok-")));
  const r = await runGrokking({ store, quick: true });
  const [run] = r.summary.runs as GrokkingRun[];
  assert.ok(run.memorizedStep !== null && run.memorizedStep <= 300, `memorised at ${run.memorizedStep}`);
  const acc = store.scalars(run.run, "test/accuracy");
  const atMemorised = acc.find((p) => p.step >= (run.memorizedStep as number));
  assert.ok(atMemorised && atMemorised.value < 0.1, `test accuracy ${atMemorised?.value} when memorised`);
  assert.ok(run.finalTestAccuracy > 0.95, `final test accuracy ${run.finalTestAccuracy}`);
  assert.ok(
    run.grokStep !== null && run.transitionStep !== null && run.transitionStep > (run.memorizedStep as number) + 100,
  );
  const events = store.events(run.run);
  const tr = events.filter((e) => e.kind === "phase_transition");
  assert.equal(tr.length, 1);
  assert.equal(tr[0].step, run.transitionStep);
  assert.equal(tr[0].payload.metric, "test/accuracy");
  for (const e of events.filter((x) => x.kind === "lead_time"))
    assert.equal(e.payload.leadSteps, (run.transitionStep as number) - (e.payload.detectedStep as number));
  assert.ok(r.transitions.some((t) => t.source === "observed" && t.detectedStep === run.transitionStep));
  assert.ok(Array.isArray(r.summary.scores) && (r.summary.scores as unknown[]).length > 10);
  assert.match(r.figures["grokking-curves"], /^<\?xml/);
  store.close();
});
