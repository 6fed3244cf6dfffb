/**
 * The last part of `shocklens demo`: the gradient-field check of the trained network (recorded as
 * the run's `verify` event), the HTML report of the run (with the analysis of its final weights)
 * and the five-line summary printed with its path — accuracy, raw vs quotient under the gauge
 * attack, the HJ/Burgers residual orders on the verification slice, the gradient-field verdict,
 * and the transitions the monitor saw.
 */
import { pfmt } from "../experiments/verify.ts";
import { verifyStoredRun, type RunVerifyResult } from "../experiments/verifyRun.ts";
import { analyzeRun, buildReport, ReadOnlyStore, writeReport } from "../report/index.ts";
import type { NetworkAnalysis } from "../report/analysis.ts";
import type { RunEvent } from "../store/types.ts";
import { SqliteRunStore } from "../store/sqlite.ts";
import type { TrainRunResult } from "../train/run.ts";
import { gaugeRows, type GaugeView } from "./demoQuotient.ts";

/** The demo's gradient-field check, kept to a few seconds: one hidden neuron, 8 loop points, 8 replicates. */
const DEMO_VERIFY = { neurons: 1, K: 8, replicates: 8 };

const fmt = (v: number): string =>
  !Number.isFinite(v)
    ? v > 0
      ? "∞"
      : "—"
    : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)
      ? v.toExponential(2)
      : v.toPrecision(3);

export interface DemoReport {
  path: string;
  summary: string[];
  json: Record<string, unknown>;
}

/** Two decimals, without a "-0.00". */
const f2 = (v: number): string => (Math.round(v * 100) / 100 + 0).toFixed(2);

function gradientFieldLine(v: RunVerifyResult): string {
  const g = v.gradientField;
  return (
    `gradient field  SGD's drift (η ${v.eta}, batch ${v.batchSize}) on a quotient slice through hidden ` +
    `neuron${v.neurons.length === 1 ? "" : "s"} ${v.neurons.join(", ")}: induced-metric curl ` +
    `${g.circulation.p < 0.05 ? "detected" : "not detected"} (p = ${pfmt(g.circulation.p)}, η-exponent ` +
    `${f2(g.etaExponent)}); Euclidean invariants p = ${pfmt(g.euclidean.circulation.p)}, η-exponent ` +
    `${f2(g.euclidean.etaExponent)}`
  );
}

/** The transition, the change points and the lead times the monitor recorded. */
function transitionsLine(events: readonly RunEvent[]): string {
  const transition = events.find((e) => e.kind === "phase_transition");
  const changes = events.filter((e) => e.kind === "change_point");
  const leads = events.filter((e) => e.kind === "lead_time");
  const first = changes[0]?.payload as { observable?: string; kind?: string; detector?: string } | undefined;
  const best = [...leads].sort((a, b) => Number(b.payload.leadSteps) - Number(a.payload.leadSteps))[0]?.payload;
  return (
    `transitions     ${transition ? `test accuracy reached 95 % at step ${transition.step}` : "test accuracy never reached 95 %"}; ` +
    `the monitor logged ${changes.length} change point${changes.length === 1 ? "" : "s"}` +
    (first ? ` (first: ${first.kind} ${first.observable} by ${first.detector} at step ${changes[0].step})` : "") +
    (best ? `, longest lead ${String(best.leadSteps)} steps (${String(best.kind)} ${String(best.observable)})` : "")
  );
}

function summaryLines(
  r: TrainRunResult,
  view: GaugeView,
  a: NetworkAnalysis | null,
  events: readonly RunEvent[],
  verify: RunVerifyResult,
): string[] {
  const rows = new Map(gaugeRows(view).map(([name, , x, y]) => [name, [x, y]] as const));
  const [rl0, rl1] = rows.get("raw.hessian.lambdaMin")!;
  const [rt0, rt1] = rows.get("raw.tStar")!;
  const [ql0, ql1] = rows.get("quotient.quotientHessian.lambdaMin")!;
  const [qt0] = rows.get("quotient.tStar")!;
  const acc = r.metrics["test/accuracy"];
  const lines = [
    `accuracy        ${acc === undefined ? "—" : `${(100 * acc).toFixed(2)} %`} on the held-out digits`,
    `gauge attack    raw λ_min ${fmt(rl0)} → ${fmt(rl1)} (t* ${fmt(rt0)} → ${fmt(rt1)}); ` +
      `quotient λ_min ${fmt(ql0)} → ${fmt(ql1)} (t* ${fmt(qt0)}, unmoved)`,
  ];
  if (a) {
    const o = a.slice.orders;
    lines.push(
      `HJ / Burgers    residual orders ${o.hj.toFixed(2)} / ${o.burgers.toFixed(2)} under grid halving on the ` +
        `verification slice (Cole–Hopf, β = ${fmt(o.beta)}, t = ${fmt(o.t)}; 2 = the equations hold)`,
    );
  } else lines.push(`HJ / Burgers    not measured (the run has no final weights)`);
  lines.push(gradientFieldLine(verify));
  const born = a?.slice.xt.rows.find((row) => row.shocks.length > 0);
  const slice = a
    ? born
      ? `; on the verification slice the first shock appears at t = ${fmt(born.t)}` +
        ` (smooth-curvature forecast t* = ${fmt(a.slice.tStar)})`
      : `; no shock on the verification slice up to t = ${fmt(a.slice.xt.rows[a.slice.xt.rows.length - 1].t)}` +
        ` (forecast t* = ${fmt(a.slice.tStar)})`
    : "";
  lines.push(transitionsLine(events) + slice);
  return lines;
}

/** Writes the report of run `r` to `out` and returns its path and the summary. */
export function demoReport(
  r: TrainRunResult,
  storePath: string,
  view: GaugeView,
  out: string,
  force = false,
): DemoReport {
  const store = SqliteRunStore.open(storePath);
  let verify: RunVerifyResult;
  try {
    verify = verifyStoredRun(store, r.id, DEMO_VERIFY).result;
  } finally {
    store.close();
  }
  const reader = ReadOnlyStore.open(storePath);
  try {
    // the summary needs the analysis and the report shows the summary
    const { analysis } = analyzeRun(reader, r.id);
    const summary = summaryLines(r, view, analysis, reader.events(r.id), verify);
    const built = buildReport(
      reader,
      r.id,
      analysis
        ? { summary, verify: { ...verify }, analysisResult: analysis }
        : { summary, verify: { ...verify }, analysis: false },
    );
    const path = writeReport(out, built.html, storePath, { force });
    return { path, summary, json: { path, summary, figures: built.figures, verify } };
  } finally {
    reader.close();
  }
}
