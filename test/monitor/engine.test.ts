/**
 * The monitor's bookkeeping (docs/monitor.md §events, §lead-times, §scoring) on synthetic series
 * with known answers: a slope change before a known transition gives a change point and a lead
 * time; a linear trend gives a forecast whose error is known; alerts fire on a loss spike and on
 * sharpness above 2/η; AUROC matches hand-counted pairs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, normalArray } from "../../src/core/random.ts";
import { monitorConfig } from "../../src/monitor/config.ts";
import { MonitorEngine } from "../../src/monitor/engine.ts";
import type { Measurement } from "../../src/monitor/observables.ts";
import { auroc, scoreRuns } from "../../src/monitor/score.ts";
import { linearFit, TrendForecaster } from "../../src/monitor/forecast.ts";

const settings = monitorConfig.parse({
  transition: { metric: "test/accuracy", above: 0.5 },
  detectors: { window: 10 },
});

function m(values: Record<string, number>): Measurement {
  const kinds = Object.fromEntries(
    Object.keys(values).map((k) => [k, k === "paramNorm" ? "raw" : "quotient"]),
  ) as Measurement["kinds"];
  const positive = Object.fromEntries(Object.keys(values).map((k) => [k, true]));
  return { values, kinds, positive, seconds: 0 };
}

/** A run observed every 10 steps: orbitMinSqNorm bends at step 600, the transition is at 800. */
function syntheticRun(bendAt: number | null, transitionAt: number | null, seed: number) {
  const e = new MonitorEngine(settings, 400);
  const noise = normalArray(key(seed), 200);
  let q = 100;
  const events: { step: number; kind: string; payload: Record<string, unknown> }[] = [];
  for (let i = 1; i < 120; i++) {
    const step = 10 * i;
    q *= 1 + (bendAt !== null && step >= bendAt ? -0.01 : 0.001) + 1e-4 * noise[i];
    const p = 50 * (1 + 1e-4 * noise[i + 80]) * (1 + 0.001 * i);
    if (step % 50 === 0)
      for (const ev of e.evaluation(step, {
        "test/accuracy": transitionAt !== null && step >= transitionAt ? 0.9 : 0.01,
      }))
        events.push({ step, ...ev });
    for (const ev of e.observe(step, m({ orbitMinSqNorm: q, paramNorm: p }))) events.push({ step, ...ev });
  }
  return { engine: e, events };
}

test("engine: a slope change at 600 is a change point; the transition at 800 books a lead of ~200 steps", () => {
  const { events, engine } = syntheticRun(600, 800, 1);
  const cp = events.filter((e) => e.kind === "change_point" && e.payload.observable === "orbitMinSqNorm");
  assert.ok(cp.length >= 1, JSON.stringify(events));
  const first = cp.find((e) => e.step >= 600);
  assert.ok(first && first.step <= 640, `detected at ${first?.step}`);
  assert.equal(first.payload.direction, "down");
  const tr = events.filter((e) => e.kind === "phase_transition");
  assert.equal(tr.length, 1);
  assert.equal(tr[0].step, 800);
  const leads = events.filter((e) => e.kind === "lead_time" && e.payload.observable === "orbitMinSqNorm");
  assert.ok(leads.length >= 1);
  for (const l of leads) assert.equal(l.payload.leadSteps, 800 - (l.payload.detectedStep as number));
  assert.equal(engine.transitionStep, 800);
  // The straight (unbent) raw series raises no alarm before the transition.
  assert.equal(
    events.filter((e) => e.kind === "change_point" && e.payload.observable === "paramNorm" && e.step < 800).length,
    0,
  );
});

test("trend forecast: a line v = 10 − 0.01 s reaches 0 at s = 1000; the forecast says so, and the error is booked", () => {
  assert.deepEqual(Object.values(linearFit([0, 1, 2, 3], [1, 3, 5, 7])).slice(0, 2), [1, 2]);
  const f = new TrendForecaster("tStar", 0, 5);
  let last: ReturnType<TrendForecaster["push"]> | null = null;
  for (let s = 0; s <= 500; s += 20) last = f.push(s, 10 - 0.01 * s);
  assert.ok(last && last.status === "forecast" && Math.abs(last.forecastStep - 1000) < 1e-9);
  const e = new MonitorEngine(settings, 600);
  const evs: { step: number; kind: string; payload: Record<string, unknown> }[] = [];
  for (let s = 20; s <= 1100; s += 20)
    for (const ev of e.observe(s, m({ tStar: 10 - 0.01 * s }))) evs.push({ step: s, ...ev });
  const fc = evs.find((x) => x.kind === "forecast" && x.payload.method === "tStar");
  assert.ok(fc, JSON.stringify(evs));
  assert.equal(fc.payload.forecastStep, 1000);
  // t* ≤ 0 cannot be measured (t* = ∞ when convex); a negative value here crosses the level.
  const reached = evs.find((x) => x.kind === "level_reached");
  assert.ok(reached && reached.step === 1020, JSON.stringify(reached));
  assert.equal(reached.payload.errorSteps, -20);
});

test("alerts: a 20× loss spike and sharpness × η/2 above 1 for 3 observations", () => {
  const e = new MonitorEngine(settings, 100);
  const noise = normalArray(key(2), 100);
  const spikes = [];
  for (let s = 1; s <= 100; s++) spikes.push(...e.stepLoss(s, s === 80 ? 20 : 1 + 0.01 * noise[s]));
  assert.equal(spikes.length, 1);
  assert.equal(spikes[0].payload.step, 80);
  const alerts = [];
  for (const [s, r] of [
    [10, 0.9],
    [20, 1.02],
    [30, 1.05],
    [40, 1.1],
    [50, 1.2],
  ])
    alerts.push(
      ...e.observe(s, {
        values: { sharpnessRatio: r },
        kinds: { sharpnessRatio: "raw" },
        positive: { sharpnessRatio: false },
        seconds: 0,
      }),
    );
  const div = alerts.filter((a) => a.kind === "divergence_alert");
  assert.equal(div.length, 1);
});

test("AUROC: Mann–Whitney with ties counted ½", () => {
  assert.equal(auroc([3, 4], [1, 2]), 1);
  assert.equal(auroc([1, 2], [3, 4]), 0);
  assert.equal(auroc([1, 3], [2, 2]), 0.5);
  assert.equal(auroc([2], [2]), 0.5);
  assert.equal(auroc([], [1]), null);
});

test("scoring: the bending quotient series detects every transitioning run with lead ≈ 200; false alarms in at most 2 of 5 runs", () => {
  const runs = [
    ...[1, 2, 3].map((s) => ({ run: `pos${s}`, transitionStep: 800, engine: syntheticRun(600, 800, s).engine })),
    ...[4, 5].map((s) => ({ run: `neg${s}`, transitionStep: null, engine: syntheticRun(null, null, s).engine })),
  ];
  const scores = scoreRuns(runs, { horizon: 250, warmup: 0 });
  const q = scores.find((x) => x.observable === "orbitMinSqNorm" && x.source === "cusum");
  assert.ok(q);
  assert.equal(q.detected, 3);
  assert.ok(q.meanLead !== null && q.meanLead >= 160 && q.meanLead <= 200, `lead ${q.meanLead}`);
  assert.ok(q.falsePositiveRate <= 0.4, `false-positive rate ${q.falsePositiveRate}`);
  assert.ok(q.aurocRun !== null && q.aurocRun > 0.9, `run AUROC ${q.aurocRun}`);
  assert.equal(scores.find((x) => x.observable === "paramNorm")?.baseline, true);
});
