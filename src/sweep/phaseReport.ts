/**
 * A sweep's phase diagrams as files: one SVG heat map per metric and an `index.html` that shows
 * them all with their titles (self-contained: the SVGs are inlined, nothing is fetched).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/files.ts";
import { compactNumber, Plot, renderPlot } from "../report/plot.ts";
import { escapeXml } from "../report/svgplot.ts";
import type { PhaseDiagram, PhaseMap } from "./phaseDiagram.ts";

export function metricTitle(metric: string): string {
  if (metric === "diverged") return "fraction of runs that diverged";
  if (metric.startsWith("event:")) return `fraction of runs with a ${metric.slice(6)} event`;
  if (metric === "gradient-field") return "fraction of tested runs whose drift is not a gradient field";
  if (metric === "non-gradient-fraction") return "non-gradient fraction of the drift (mean over tested runs)";
  return `${metric.slice(5)} at the end (mean over runs that did not diverge)`;
}

const isFraction = (metric: string) =>
  metric === "diverged" || metric === "gradient-field" || metric.startsWith("event:");

/** What a map's colour legend names. */
const legendOf = (metric: string) =>
  isFraction(metric) ? metricTitle(metric) : metric.startsWith("last:") ? metric.slice(5) : metric;

/** A cell of a map as Plot draws it. */
interface Cell {
  x: string;
  y: string;
  value: number;
  text: string;
}

/**
 * The SVG of one map (the report's figure style: Observable Plot, the bundled font): a cell per
 * grid point coloured on viridis — fractions on [0, 1] and written k/n, other metrics on their
 * range (log when it spans more than a decade) and written to 3 digits; points without a value are
 * grey with a dash. The first y value is at the bottom, as in a phase diagram.
 */
export function phaseMapSvg(d: PhaseDiagram, m: PhaseMap): string {
  const fraction = isFraction(m.metric);
  const cells: Cell[] = [];
  const empty: Cell[] = [];
  m.values.forEach((row, i) =>
    row.forEach((value, j) => {
      const n = m.runs[i][j];
      const text = fraction ? `${Math.round(value * n)}/${n}` : compactNumber(value);
      (Number.isFinite(value) ? cells : empty).push({ x: d.x.labels[j], y: d.y.labels[i], value, text });
    }),
  );
  const values = cells.map((c) => c.value);
  const [lo, hi] = fraction || values.length === 0 ? [0, 1] : [Math.min(...values), Math.max(...values)];
  const log = !fraction && lo > 0 && hi > 10 * lo;
  const t = (v: number) => (hi > lo ? (log ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo)) : 0.5);
  // viridis is dark below about 0.55: white text there, black above
  const dark = cells.filter((c) => t(c.value) < 0.55);
  const light = cells.filter((c) => t(c.value) >= 0.55);
  const at = { x: "x", y: "y" } as const;
  return renderPlot({
    width: 120 + 64 * d.x.labels.length,
    height: 80 + 44 * d.y.labels.length,
    marginLeft: 80,
    marginBottom: 44,
    x: { domain: d.x.labels, label: d.x.path },
    y: { domain: [...d.y.labels].reverse(), label: d.y.path },
    color: {
      type: log ? "log" : "linear",
      scheme: "viridis",
      domain: [lo, hi],
      legend: true,
      label: `${legendOf(m.metric)}${log ? " (log colour scale)" : ""}`,
    },
    marks: [
      Plot.cell(empty, { ...at, fill: "#e8e8e8", inset: 1 }),
      Plot.text(empty, { ...at, text: () => "—", fill: "#777777" }),
      Plot.cell(cells, { ...at, fill: "value", inset: 1 }),
      Plot.text(dark, { ...at, text: "text", fill: "white" }),
      Plot.text(light, { ...at, text: "text", fill: "black" }),
    ],
  });
}

export const mapFileName = (metric: string) => `${metric.replace(/[^\w.-]+/g, "_")}.svg`;

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Writes (atomically) `<dir>/<metric>.svg` per map and `<dir>/index.html`; returns the paths written. */
export function writePhaseReport(d: PhaseDiagram, dir: string): { files: string[]; index: string } {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const sections: string[] = [];
  for (const m of d.maps) {
    const svg = phaseMapSvg(d, m);
    const file = join(dir, mapFileName(m.metric));
    writeFileAtomic(file, utf8(svg));
    files.push(file);
    sections.push(`<section><h2>${escapeXml(metricTitle(m.metric))}</h2>\n${svg}</section>`);
  }
  const index = join(dir, "index.html");
  writeFileAtomic(
    index,
    utf8(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
        `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
        `<title>sweep ${escapeXml(d.sweep)}: phase diagrams</title>` +
        `<style>body{font-family:sans-serif;margin:2em}h2{font-size:1em}` +
        `section{display:inline-block;vertical-align:top;margin:0 2em 2em 0}</style></head>\n` +
        `<body><h1>Sweep ${escapeXml(d.name)} (${escapeXml(d.sweep)})</h1>` +
        `<p>${escapeXml(d.y.path)} against ${escapeXml(d.x.path)}; each cell aggregates the finished runs at that point ` +
        `(replicates and other axes). Grey cells have none.</p>\n` +
        sections.join("\n") +
        "\n</body></html>\n",
    ),
  );
  return { files, index };
}
