/**
 * A sweep's phase diagrams as files: one SVG heat map per metric and an `index.html` that shows
 * them all (self-contained: the SVGs are inlined, nothing is fetched).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { heatmap } from "../report/heatmap.ts";
import { escapeXml } from "../report/svgplot.ts";
import type { PhaseDiagram, PhaseMap } from "./phaseDiagram.ts";

export function metricTitle(metric: string): string {
  if (metric === "diverged") return "fraction of runs that diverged";
  if (metric.startsWith("event:")) return `fraction of runs with a ${metric.slice(6)} event`;
  return `${metric.slice(5)} at the end (mean over runs that did not diverge)`;
}

const isFraction = (metric: string) => metric === "diverged" || metric.startsWith("event:");

/** The SVG of one map: fractions as k/n in [0, 1], other metrics on their own range. */
export function phaseMapSvg(d: PhaseDiagram, m: PhaseMap): string {
  const fraction = isFraction(m.metric);
  const finite = m.values.flat().filter(Number.isFinite);
  // Losses spread over decades: colour them on a log scale.
  const logScale =
    !fraction && finite.length > 0 && Math.min(...finite) > 0 && Math.max(...finite) > 10 * Math.min(...finite);
  return heatmap({
    xLabels: d.x.labels,
    yLabels: d.y.labels,
    values: m.values,
    title: `${d.name}: ${metricTitle(m.metric)}`,
    xLabel: d.x.path,
    yLabel: d.y.path,
    valueLabel: fraction ? "fraction" : m.metric.slice(5),
    range: fraction ? [0, 1] : undefined,
    logScale,
    cellText: fraction ? (v, i, j) => `${Math.round(v * m.runs[i][j])}/${m.runs[i][j]}` : undefined,
  });
}

export const mapFileName = (metric: string) => `${metric.replace(/[^\w.-]+/g, "_")}.svg`;

/** Writes `<dir>/<metric>.svg` per map and `<dir>/index.html`; returns the paths written. */
export function writePhaseReport(d: PhaseDiagram, dir: string): { files: string[]; index: string } {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const sections: string[] = [];
  for (const m of d.maps) {
    const svg = phaseMapSvg(d, m);
    const file = join(dir, mapFileName(m.metric));
    writeFileSync(file, svg);
    files.push(file);
    sections.push(`<section><h2>${escapeXml(metricTitle(m.metric))}</h2>\n${svg}</section>`);
  }
  const index = join(dir, "index.html");
  writeFileSync(
    index,
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>sweep ${escapeXml(d.sweep)}: phase diagrams</title>` +
      `<style>body{font-family:sans-serif;margin:2em}h2{font-size:1em}` +
      `section{display:inline-block;vertical-align:top;margin:0 2em 2em 0}</style></head>\n` +
      `<body><h1>Sweep ${escapeXml(d.name)} (${escapeXml(d.sweep)})</h1>` +
      `<p>${escapeXml(d.y.path)} against ${escapeXml(d.x.path)}; each cell aggregates the finished runs at that point ` +
      `(replicates and other axes). Hatched cells have none.</p>\n` +
      sections.join("\n") +
      "\n</body></html>\n",
  );
  return { files, index };
}
