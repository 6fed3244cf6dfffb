/**
 * Phase diagrams of a sweep (docs/sweeps.md §phase-diagram): for two of its axes, one value per
 * grid cell aggregated over the cell's finished runs (its replicates and any other axis):
 *
 * - `diverged`: the fraction of runs that diverged (FAILED with a divergence event);
 * - `event:KIND`: the fraction of runs with at least one event of that kind (the monitor's
 *   detections, shocks, … — whatever the runs logged);
 * - `last:KEY`: the mean of the scalar's last logged value over the runs that did not diverge
 *   (e.g. `last:test/accuracy`; a diverged run's last values are those before it blew up);
 * - `gradient-field`: the fraction of the tested runs whose drift failed the gradient-field test,
 *   and `non-gradient-fraction`: their mean non-gradient fraction (./gradientField.ts; runs are
 *   tested by `testSweepGradientField`, untested runs do not count).
 *
 * Cells without a finished run have no value (NaN).
 */
import { InputError } from "../errors.ts";
import type { SweepStoreReader } from "../store/types.ts";
import type { JobRecord } from "../store/sweepReader.ts";
import { GRADIENT_FIELD_EVENT, storedGradientField } from "./gradientField.ts";
import { BOOKKEEPING_EVENTS } from "./record.ts";

/** What the diagram reads of the store: it never writes. */
type PhaseStore = Pick<SweepStoreReader, "sweeps" | "getRun" | "events">;

/** The monitor's end-of-run summary (docs/monitor.md §events). */
const MONITOR_SUMMARY_EVENT = "monitor_summary";

export interface PhaseAxis {
  path: string;
  values: unknown[];
  labels: string[];
}

export interface PhaseMap {
  metric: string;
  /** values[i][j]: y value i, x value j. */
  values: number[][];
  /** Runs that contributed to each cell. */
  runs: number[][];
}

export interface PhaseDiagram {
  sweep: string;
  name: string;
  x: PhaseAxis;
  y: PhaseAxis;
  maps: PhaseMap[];
}

const label = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** The distinct values of an axis: in the grid's order when it is a grid axis, else sorted. */
function axisOf(path: string, jobs: readonly JobRecord[], grid: Record<string, unknown[]>): PhaseAxis {
  const seen = new Map<string, unknown>();
  for (const j of jobs) if (path in j.overrides) seen.set(label(j.overrides[path]), j.overrides[path]);
  if (seen.size === 0)
    throw new InputError(
      `sweep report: no job sets ${path} (axes: ${Object.keys(jobs[0]?.overrides ?? {}).join(", ") || "none"})`,
    );
  let values = [...seen.values()];
  if (grid[path]) values = grid[path].filter((v) => seen.has(label(v)));
  else
    values.sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : label(a).localeCompare(label(b))));
  return { path, values, labels: values.map(label) };
}

/** A run's value of one metric (NaN: not defined for this run). */
function metricOf(store: PhaseStore, runId: string, metric: string): number {
  if (metric === "diverged") return store.events(runId, { kind: "divergence" }).length > 0 ? 1 : 0;
  if (metric.startsWith("event:")) return store.events(runId, { kind: metric.slice(6) }).length > 0 ? 1 : 0;
  if (metric === "gradient-field" || metric === "non-gradient-fraction") {
    const g = storedGradientField(store, runId);
    if (g === null) return NaN;
    return metric === "gradient-field" ? Number(g.failed) : g.nonGradientFraction;
  }
  if (metric.startsWith("last:")) {
    const run = store.getRun(runId);
    return run.status === "FINISHED" ? (run.lastScalars[metric.slice(5)]?.value ?? NaN) : NaN;
  }
  throw new InputError(
    `sweep report: unknown metric "${metric}" (expected diverged, event:KIND, last:KEY, gradient-field or non-gradient-fraction)`,
  );
}

/**
 * diverged, the test metrics the runs logged, every event kind they logged (bookkeeping and the
 * monitor's summary aside), and the gradient-field maps when a run was tested.
 */
function defaultMetrics(store: PhaseStore, runIds: readonly string[]): string[] {
  const scalars = new Set<string>();
  const kinds = new Set<string>();
  for (const id of runIds) {
    for (const k of Object.keys(store.getRun(id).lastScalars)) scalars.add(k);
    for (const e of store.events(id)) if (!BOOKKEEPING_EVENTS.has(e.kind) && e.kind !== "divergence") kinds.add(e.kind);
  }
  const tested = kinds.delete(GRADIENT_FIELD_EVENT);
  kinds.delete(MONITOR_SUMMARY_EVENT); // every monitored run logs one: a map of ones
  return [
    "diverged",
    ...["test/accuracy", "test/loss"].filter((k) => scalars.has(k)).map((k) => `last:${k}`),
    ...[...kinds].sort().map((k) => `event:${k}`),
    ...(tested ? ["gradient-field", "non-gradient-fraction"] : []),
  ];
}

export function phaseDiagram(
  store: PhaseStore,
  ref: string,
  o: { x?: string; y?: string; metrics?: readonly string[] } = {},
): PhaseDiagram {
  const table = store.sweeps();
  const sweep = table.sweep(ref);
  const jobs = table.jobs(sweep.id);
  const grid = ((sweep.spec as { grid?: Record<string, unknown[]> }).grid ?? {}) as Record<string, unknown[]>;
  const gridPaths = Object.keys(grid).filter((p) => p !== "seed");
  const xPath = o.x ?? gridPaths[0];
  const yPath = o.y ?? gridPaths.find((p) => p !== xPath);
  if (xPath === undefined || yPath === undefined)
    throw new InputError(`sweep report: sweep ${sweep.id} has fewer than two grid axes; name them with --x and --y`);
  if (xPath === yPath) throw new InputError(`sweep report: --x and --y are both ${xPath}`);
  const x = axisOf(xPath, jobs, grid);
  const y = axisOf(yPath, jobs, grid);
  const done = jobs.filter((j) => j.status === "FINISHED" && j.runId !== null);
  const metrics = o.metrics?.length
    ? o.metrics
    : defaultMetrics(
        store,
        done.map((j) => j.runId as string),
      );
  const maps = metrics.map((metric) => {
    const sum = y.values.map(() => x.values.map(() => 0));
    const runs = y.values.map(() => x.values.map(() => 0));
    for (const j of done) {
      const xi = x.labels.indexOf(label(j.overrides[xPath])),
        yi = y.labels.indexOf(label(j.overrides[yPath]));
      if (xi < 0 || yi < 0) continue;
      const v = metricOf(store, j.runId as string, metric);
      if (!Number.isFinite(v)) continue;
      sum[yi][xi] += v;
      runs[yi][xi]++;
    }
    return { metric, runs, values: sum.map((row, i) => row.map((s, j) => (runs[i][j] ? s / runs[i][j] : NaN))) };
  });
  return { sweep: sweep.id, name: sweep.name, x, y, maps };
}
