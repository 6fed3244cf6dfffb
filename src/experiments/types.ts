/**
 * What every canned experiment takes and returns (docs/experiments.md): runs go to the run store;
 * the result is what `shocklens experiment NAME --json` prints, plus SVG figures.
 */
import type { RunStore } from "../store/types.ts";
import type { MonitorKind } from "../monitor/observables.ts";

export interface ExperimentOptions {
  store: RunStore;
  /** Seeds per configuration (each experiment has its default). */
  seeds?: number;
  /** A smaller, faster version (for tests and smoke checks). */
  quick?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** One observable's warning of a run's transition (a change point or a forecast). */
export interface TransitionRow {
  run: string;
  observable: string;
  kind: MonitorKind | "metric";
  /** The detector ("cusum", "bocpd") or forecast method ("trend", "tStar", "shockProximity"), or what was observed. */
  source: string;
  detectedStep: number;
  forecastStep?: number;
  leadSteps?: number;
}

export interface ExperimentResult {
  experiment: string;
  runs: string[];
  transitions: TransitionRow[];
  summary: Record<string, unknown>;
  /** SVG documents by file stem (written by the CLI with --out). */
  figures: Record<string, string>;
}

export interface Experiment {
  name: string;
  description: string;
  run(o: ExperimentOptions): Promise<ExperimentResult>;
}
