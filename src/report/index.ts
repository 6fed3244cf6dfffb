/**
 * shocklens/report — the self-contained HTML report of one run (docs/dashboard.md §report):
 * curves, raw vs quotient observables with events marked, detections and forecasts with lead
 * times, Hessian spectra, u and p = ∇u on a verification slice with its x–t diagram, the
 * gradient-field summary (from `verify`), and the config. Every figure as inline SVG + PNG.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { writeFileAtomic } from "../io/files.ts";
import { checkOutput } from "../io/output.ts";
import type { RunReader } from "../store/reader.ts";
import { parseRunConfig } from "../train/config.ts";
import { prepareRun } from "../train/setup.ts";
import { analyzeNetwork, type AnalysisOptions, type NetworkAnalysis } from "./analysis.ts";
import { sliceFigures, spectrumFigure } from "./figures/analysis.ts";
import { curveFigures, observableFigures, QUOTIENT_PREFIX, RAW_PREFIX, timelineFigure } from "./figures/training.ts";
import { keyValueTable, renderReportHtml, transitionsTable, type ReportSection } from "./html.ts";
import { svgToPng } from "./png.ts";
import { finalWeightsPath, readRun, type RunData } from "./source.ts";

export { finalWeightsPath, ReadOnlyStore, readRun, readSeries, type RunData } from "./source.ts";
export { svgToPng, bundledFontFiles } from "./png.ts";
export { renderPlot, type Figure } from "./plot.ts";
export { decimate, emaDebiased, aggregate, type SeriesData } from "./series.ts";
export { analyzeNetwork, type NetworkAnalysis } from "./analysis.ts";

export interface ReportOptions {
  /** Analyse the final weights (spectra, slice): default true when the run has a weights artifact. */
  analysis?: boolean | AnalysisOptions;
  /** A `verify` result to show as the gradient-field summary (default: the run's last `verify` event). */
  verify?: Record<string, unknown>;
  /** Lines shown at the top (e.g. the demo's summary). */
  summary?: string[];
  /** An analysis already computed (`analyzeRun`): used instead of computing it again. */
  analysisResult?: NetworkAnalysis;
  /** PNG copies of the figures (default true). */
  png?: boolean;
}

export interface BuiltReport {
  html: string;
  run: string;
  figures: number;
  analysis: NetworkAnalysis | null;
}

/** The analysis of a run's final weights, or why there is none. */
export function analyzeRun(reader: RunReader, ref: string, opt: ReportOptions["analysis"] = true) {
  return runAnalysis(readRun(reader, ref), opt);
}

function runAnalysis(
  data: RunData,
  opt: ReportOptions["analysis"],
): { analysis: NetworkAnalysis | null; note?: string } {
  if (opt === false) return { analysis: null, note: "Network analysis was not requested." };
  const weightsPath = finalWeightsPath(data.artifacts);
  if (!weightsPath)
    return {
      analysis: null,
      note: "The run has no final weights (it did not finish, or the file is gone), so no spectra or slice.",
    };
  const config = parseRunConfig(data.detail.config, `config of run ${data.detail.id}`);
  const prepared = prepareRun(config, `config of run ${data.detail.id}`);
  return { analysis: analyzeNetwork(prepared, weightsPath, typeof opt === "object" ? opt : {}) };
}

/** Builds the report of run `ref` from a store reader. */
export function buildReport(reader: RunReader, ref: string, o: ReportOptions = {}): BuiltReport {
  const data = readRun(reader, ref);
  const { analysis, note } = o.analysisResult
    ? { analysis: o.analysisResult, note: undefined }
    : runAnalysis(data, o.analysis);
  const monitorKeys = [...data.series.keys()].filter((k) => k.startsWith(RAW_PREFIX) || k.startsWith(QUOTIENT_PREFIX));
  const verify =
    o.verify ??
    ([...data.events].reverse().find((e) => e.kind === "verify")?.payload as Record<string, unknown> | undefined);
  const timeline = timelineFigure(data.events);
  const sections: ReportSection[] = [
    {
      id: "curves",
      title: "Training curves",
      notes: data.series.size ? [] : ["No scalars were logged."],
      figures: curveFigures(data.series, data.events),
    },
    {
      id: "observables",
      title: "Raw vs quotient observables",
      notes: monitorKeys.length
        ? []
        : [
            "This run logged no monitor observables (keys monitor/raw/… and monitor/quotient/…): train with the monitor on.",
          ],
      figures: observableFigures(data.series, data.events),
    },
    {
      id: "transitions",
      title: "Detections and forecasts",
      html: [transitionsTable(data.events)],
      figures: timeline ? [timeline] : [],
    },
    {
      id: "spectra",
      title: "Hessian spectra",
      notes: analysis ? [] : [note ?? ""],
      figures: analysis ? [spectrumFigure(analysis)] : [],
    },
    {
      id: "slice",
      title: "Verification slice",
      notes: analysis ? [] : [note ?? ""],
      figures: analysis ? sliceFigures(analysis) : [],
    },
    {
      id: "gradient-field",
      title: "Gradient-field summary",
      notes: verify
        ? [typeof verify.verdict === "string" ? `Verdict: ${verify.verdict}` : ""].filter(Boolean)
        : ["No verify result for this run (run `shocklens verify --run <id>`)."],
      html: verify ? [keyValueTable(verify)] : [],
    },
    {
      id: "config",
      title: "Config",
      html: [
        `<pre>${escapeHtml(JSON.stringify(data.detail.config, null, 2))}</pre>`,
        keyValueTable({ ...data.detail.tags }),
      ],
    },
  ];
  const png = new Map<string, Buffer>();
  let figures = 0;
  for (const s of sections)
    for (const f of s.figures ?? []) {
      figures++;
      if (o.png !== false) png.set(f.id, svgToPng(f.svg));
    }
  const html = renderReportHtml({ run: data.detail, summary: o.summary, sections, png, generated: new Date() });
  return { html, run: data.detail.id, figures, analysis };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Writes the report atomically (temporary file, fsync, rename) through the output guard
 * (docs/store.md §outputs): never over the store, its side files or run folders, a special file,
 * or an existing file unless `force`. Returns the absolute path written.
 */
export function writeReport(out: string, html: string, storePath: string, options: { force?: boolean } = {}): string {
  checkOutput({ path: out, what: "--out" }, { store: storePath, force: options.force });
  const target = resolve(out);
  mkdirSync(dirname(target), { recursive: true });
  writeFileAtomic(target, new TextEncoder().encode(html));
  return target;
}
