/**
 * The last part of `shocklens demo`: the HTML report of the run just trained (with the analysis
 * of its final weights) and the five-line summary printed with its path — accuracy, raw vs
 * quotient under the gauge attack, the HJ/Burgers residual orders on the verification slice, the
 * gradient-field verdict, and the transitions seen.
 */
import { analyzeRun, buildReport, ReadOnlyStore, writeReport } from "../report/index.ts";
import type { NetworkAnalysis } from "../report/analysis.ts";
import { notableEvents } from "../report/figures/training.ts";
import type { TrainRunResult } from "../train/run.ts";
import { gaugeRows, type GaugeView } from "./demoQuotient.ts";

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

function summaryLines(r: TrainRunResult, view: GaugeView, a: NetworkAnalysis | null, events: number): string[] {
  const rows = new Map(gaugeRows(view).map(([what, x, y]) => [what, [x, y]] as const));
  const [rl0, rl1] = rows.get("raw Hessian λ_min")!;
  const [rt0, rt1] = rows.get("raw forecast t* = 1/(−λ_min)")!;
  const [ql0, ql1] = rows.get("quotient Hessian λ_min")!;
  const [qt0] = rows.get("quotient forecast t*")!;
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
  lines.push(`gradient field  not assessed: the verify harness is not part of this build`);
  const born = a?.slice.xt.rows.find((row) => row.shocks.length > 0);
  const slice = a
    ? born
      ? `; on the verification slice the first shock appears at t = ${fmt(born.t)}` +
        ` (smooth-curvature forecast t* = ${fmt(a.slice.tStar)})`
      : `; no shock on the verification slice up to t = ${fmt(a.slice.xt.rows[a.slice.xt.rows.length - 1].t)}` +
        ` (forecast t* = ${fmt(a.slice.tStar)})`
    : "";
  lines.push(
    `transitions     ${events === 0 ? "none logged during training" : `${events} logged during training`}${slice}`,
  );
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
  const reader = ReadOnlyStore.open(storePath);
  try {
    const events = notableEvents(reader.events(r.id)).length;
    // the summary needs the analysis and the report shows the summary
    const { analysis } = analyzeRun(reader, r.id);
    const summary = summaryLines(r, view, analysis, events);
    const built = buildReport(
      reader,
      r.id,
      analysis ? { summary, analysisResult: analysis } : { summary, analysis: false },
    );
    const path = writeReport(out, built.html, storePath, { force });
    return { path, summary, json: { path, summary, figures: built.figures } };
  } finally {
    reader.close();
  }
}
