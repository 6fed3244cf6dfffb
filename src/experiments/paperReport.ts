/**
 * The referee report of `shocklens paper` (docs/gradient-field.md §paper) as Markdown (figures as
 * SVG files beside it) and as one self-contained HTML page (figures inline), both rendered from the
 * same `PaperResult`: a verdict table, then claim by claim the statement, the verdict, the condition,
 * the assessment, the numbers and the command that reproduces them; then the calibration of the
 * tests and, when measured, the non-gradient fraction of real small networks.
 */
import type { PaperClaim, PaperResult } from "./paper.ts";
import type { NonGradientRow } from "./nongradient.ts";
import { escapeXml, linePlot, type Series } from "../report/svgplot.ts";
import { VERSION } from "../version.ts";

export interface PaperFiles {
  markdown: string;
  html: string;
  /** File name → standalone SVG document. */
  figures: Record<string, string>;
}

/**
 * A y range that leaves room above the data for a legend of `rows` entries in a plot of height H
 * (the plotter's legend sits in a top corner, 18 px per entry).
 */
function headroom(series: Series[], rows: number, H: number): [number, number] {
  const ys = series.flatMap((s) => Array.from(s.y)).filter(Number.isFinite);
  const lo = Math.min(...ys),
    hi = Math.max(...ys);
  const span = hi > lo ? hi - lo : 1;
  const f = Math.min(0.6, (rows * 18 + 24) / (H - 92));
  return [lo - 0.05 * span, hi + (span * f) / (1 - f)];
}

const g3 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));
const log10 = (v: number) => (v > 0 ? Math.log10(v) : NaN);

/** The figures the claims refer to, by id. */
export function paperFigures(r: PaperResult): Record<string, string> {
  const figs: Record<string, string> = {};
  const n = r.neuron;
  const etaSeries: Series[] = [
    { label: "one neuron, induced metric (asymmetry)", x: n.eta.etas.map(log10), y: n.eta.metric.map(log10) },
    {
      label: "one neuron, Euclidean (asymmetry)",
      x: n.eta.etas.map(log10),
      y: n.eta.euclidean.map(log10),
      dash: "6 3",
    },
  ];
  for (const v of r.verify) {
    const s = v.gradientField.coordinates.etaScaling;
    etaSeries.push({
      label: `${v.arch}, induced metric (|circulation|)`,
      x: s["quotient-metric-excess"].etas.map(log10),
      y: s["quotient-metric-excess"].values.map(log10),
    });
    etaSeries.push({
      label: `${v.arch}, Euclidean (|circulation|)`,
      x: s["quotient-euclidean"].etas.map(log10),
      y: s["quotient-euclidean"].values.map(log10),
      dash: "6 3",
    });
  }
  figs.eta = linePlot({
    title: "Non-gradient part of SGD's drift against the step",
    xLabel: "log₁₀ η",
    yLabel: "log₁₀ (asymmetry or |circulation|)",
    series: etaSeries,
    legend: "top-left",
    height: 560,
    yRange: headroom(etaSeries, etaSeries.length, 560),
  });
  const finite = r.verify.filter((v) => Number.isFinite(v.shock.predicted) && Number.isFinite(v.shock.observed));
  const hi = Math.max(1, ...finite.flatMap((v) => [v.shock.predicted, v.shock.observed]).map(log10)) + 0.2;
  const lo = Math.min(0, ...finite.flatMap((v) => [v.shock.predicted, v.shock.observed]).map(log10)) - 0.2;
  figs.shock = linePlot({
    title: "Shock time: quotient-curvature forecast vs first crossing of characteristics",
    xLabel: "log₁₀ forecast t*",
    yLabel: "log₁₀ observed t*",
    series: [{ label: "observed = forecast", x: [lo, hi], y: [lo, hi], dash: "4 4", color: "#777" }],
    points: finite.map((v) => ({ x: log10(v.shock.predicted), y: log10(v.shock.observed), label: v.arch })),
    xRange: [lo, hi],
    yRange: [lo, hi],
  });
  const idx = r.calibration.map((_, i) => i + 1);
  figs.calibration = linePlot({
    title: "Calibration of the tests (α = 0.05)",
    xLabel: "test (numbered as in the calibration table)",
    yLabel: "rejection rate",
    series: [
      { label: "size under a gradient field", x: idx, y: r.calibration.map((c) => c.size) },
      { label: "power against a planted curl", x: idx, y: r.calibration.map((c) => c.power) },
      { label: "α", x: [1, idx.length], y: [0.05, 0.05], dash: "4 4", color: "#777" },
    ],
    yRange: [0, 1.05],
    legend: "top-left",
  });
  if (r.networks) figs.networks = networksFigure(r.networks);
  return figs;
}

/** Non-gradient fraction against η (batch 8, without replacement) per network and coordinate system. */
export function networksFigure(rows: NonGradientRow[]): string {
  const names = [...new Set(rows.map((r) => r.network))];
  const series: Series[] = [];
  for (const name of names) {
    const rs = rows
      .filter((r) => r.network === name && r.batchSize === 8 && !r.replacement)
      .sort((a, b) => a.eta - b.eta);
    series.push({
      label: `${name}: induced metric`,
      x: rs.map((r) => log10(r.eta)),
      y: rs.map((r) => log10(r.metric)),
    });
    series.push({
      label: `${name}: Euclidean invariants`,
      x: rs.map((r) => log10(r.eta)),
      y: rs.map((r) => log10(r.euclidean)),
      dash: "6 3",
    });
  }
  return linePlot({
    title: "Non-gradient fraction of SGD's drift (batch 8, without replacement)",
    xLabel: "log₁₀ η",
    yLabel: "log₁₀ non-gradient energy fraction",
    series,
    legend: "top-left",
    height: 520,
    yRange: headroom(series, series.length, 520),
  });
}

const VERDICT_MARK: Record<string, string> = {
  held: "held",
  failed: "failed",
  "holds under a condition": "holds under a condition",
  awaits: "awaits",
};

function header(r: PaperResult): string[] {
  return [
    `# Referee report: shock waves, Hamilton–Jacobi and symmetry-reduced SGD`,
    ``,
    `Generated by shocklens ${VERSION} — \`shocklens paper --seed ` +
      `${r.seed}${r.families.length < 4 ? ` --families ${r.families.join(",")}` : ""}${r.networks ? " --networks" : ""}\` ` +
      `(${r.seconds.toFixed(0)} s). ` +
      `Every number below is recomputed by that command; each claim names the command for its own evidence. ` +
      `Non-gradient threshold fixed in advance: ${r.threshold} (docs/gradient-field.md §threshold).`,
    ``,
  ];
}

function claimMarkdown(c: PaperClaim, i: number): string[] {
  return [
    `## ${i + 1}. ${c.title} — ${VERDICT_MARK[c.verdict]}`,
    ``,
    `**Claim.** ${c.statement}`,
    ``,
    `**Verdict: ${c.verdict}.**${c.condition ? ` Condition: ${c.condition}.` : ""}`,
    ``,
    c.assessment,
    ``,
    `| evidence | numbers |`,
    `|---|---|`,
    ...c.numbers.map(([k, v]) => `| ${k.replace(/\|/g, "\\|")} | ${v.replace(/\|/g, "\\|")} |`),
    ``,
    `Reproduce: \`${c.command}\``,
    ``,
    ...c.figures.map((f) => `![${f}](fig-${f}.svg)\n`),
  ];
}

function calibrationMarkdown(r: PaperResult): string[] {
  return [
    `## Calibration of the tests`,
    ``,
    `Each test, on a control where the null holds (size) and against a planted curl of stated size (power), ` +
      `${r.calibration[0]?.repetitions ?? 0} repetitions each, α = 0.05.`,
    ``,
    `| # | test | control | alternative | size | power | coverage |`,
    `|---|---|---|---|---|---|---|`,
    ...r.calibration.map(
      (c, i) =>
        `| ${i + 1} | ${c.test} | ${c.control} | ${c.alternative} | ${g3(c.size)} ` +
        `| ${g3(c.power)} | ${c.coverage === null ? "—" : g3(c.coverage)} ` +
        `|`,
    ),
    ``,
    `![calibration](fig-calibration.svg)`,
    ``,
  ];
}

export function networksMarkdown(rows: NonGradientRow[]): string[] {
  return [
    `| network | η | batch | replacement | raw (an exact gradient: the grid's error) | Euclidean invariants | induced metric |`,
    `|---|---|---|---|---|---|---|`,
    ...rows.map(
      (r) =>
        `| ${r.network} | ${r.eta} | ${r.batchSize} | ${r.replacement ? "with" : "without"} | ${r.raw.toExponential(1)} ` +
        `| ${r.euclidean.toExponential(1)} | ${r.metric.toExponential(1)} |`,
    ),
  ];
}

export function paperMarkdown(r: PaperResult): string {
  const lines = [
    ...header(r),
    `| # | claim | verdict | reproduce |`,
    `|---|---|---|---|`,
    ...r.claims.map((c, i) => `| ${i + 1} | ${c.title} | ${c.verdict} | \`${c.command}\` |`),
    ``,
    ...r.claims.flatMap(claimMarkdown),
    ...calibrationMarkdown(r),
  ];
  if (r.networks)
    lines.push(
      `## Non-gradient fraction of real small networks`,
      ``,
      ...networksMarkdown(r.networks),
      ``,
      `![networks](fig-networks.svg)`,
      ``,
    );
  return lines.join("\n");
}

/** Inline Markdown: `code`, **bold**, and escaping. */
function inline(s: string): string {
  return escapeXml(s)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
}

const stripXmlHeader = (svg: string) => svg.replace(/^<\?xml[^>]*>\s*/, "");

export function paperHtml(r: PaperResult, figures: Record<string, string>): string {
  const md = paperMarkdown(r).split("\n");
  const out: string[] = [];
  let table: string[][] | null = null;
  const flush = () => {
    if (!table) return;
    const [head, , ...body] = table;
    out.push(
      `<table><thead><tr>${head.map((h) => `<th>${inline(h)}</th>`).join("")}</tr></thead><tbody>` +
        body.map((row) => `<tr>${row.map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`).join("") +
        `</tbody></table>`,
    );
    table = null;
  };
  for (const line of md) {
    if (line.startsWith("|")) {
      const cells = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/\\\|/g, "|"));
      (table ??= []).push(cells);
      continue;
    }
    flush();
    const img = /^!\[([^\]]*)\]\(fig-([\w-]+)\.svg\)$/.exec(line.trim());
    if (img) out.push(`<figure>${stripXmlHeader(figures[img[2]] ?? "")}</figure>`);
    else if (line.startsWith("## ")) out.push(`<h2>${inline(line.slice(3))}</h2>`);
    else if (line.startsWith("# ")) out.push(`<h1>${inline(line.slice(2))}</h1>`);
    else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
  }
  flush();
  return [
    `<!DOCTYPE html>`,
    `<html lang="en"><head><meta charset="utf-8"><title>shocklens referee report</title>`,
    `<style>body{font-family:Helvetica,Arial,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;line-height:1.45}` +
      `table{border-collapse:collapse;margin:1em 0;font-size:0.92em}td,th{border:1px solid #ccc;padding:4px ` +
      `8px;vertical-align:top;text-align:left}` +
      `code{background:#f3f3f3;padding:0 3px}figure{margin:1em 0}svg{max-width:100%;height:auto}</style></head><body>`,
    ...out,
    `</body></html>`,
    ``,
  ].join("\n");
}

export function renderPaper(r: PaperResult): PaperFiles {
  const figs = paperFigures(r);
  return {
    markdown: paperMarkdown(r),
    html: paperHtml(r, figs),
    figures: Object.fromEntries(Object.entries(figs).map(([k, v]) => [`fig-${k}.svg`, v])),
  };
}
