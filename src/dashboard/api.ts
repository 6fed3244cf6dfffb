/**
 * The dashboard's JSON API (docs/dashboard.md §api). Every handler reads the store through its
 * reader (read-only connection) and returns plain JSON; numbers that JSON cannot hold (NaN, ±Inf)
 * travel as null in series (gaps) and as strings elsewhere. Bad parameters are 400, unknown runs 404.
 */
import { InputError } from "../errors.ts";
import type { RunReader } from "../store/reader.ts";
import type { RunSummary } from "../store/types.ts";
import { RUN_STATUSES, type RunStatus } from "../store/types.ts";
import { aggregate, decimate, emaDebiased, type SeriesData } from "../report/series.ts";
import type { SeriesCache } from "./cache.ts";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Query parameters of one request (first value of each name). */
export type Query = URLSearchParams;

const MAX_BUCKETS = 20_000;
const MAX_RUNS_PER_REQUEST = 64;

export function numberParam(
  q: Query,
  name: string,
  o: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === "") return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || (o.integer && !Number.isInteger(v)))
    throw new HttpError(
      400,
      `${name}: expected ${o.integer ? "an integer" : "a number"}, got ${JSON.stringify(raw.slice(0, 40))}`,
    );
  if ((o.min !== undefined && v < o.min) || (o.max !== undefined && v > o.max))
    throw new HttpError(400, `${name}: must be in [${o.min ?? "-∞"}, ${o.max ?? "∞"}], got ${v}`);
  return v;
}

function requiredParam(q: Query, name: string): string {
  const v = q.get(name);
  if (v === null || v === "") throw new HttpError(400, `${name}: required`);
  if (v.length > 1000) throw new HttpError(400, `${name}: longer than 1000 characters`);
  return v;
}

/** Resolves a run reference; unknown or ambiguous → 404. */
export function runId(reader: RunReader, ref: string): string {
  if (!/^[0-9a-zA-Z_-]{1,64}$/.test(ref)) throw new HttpError(404, `no run ${JSON.stringify(ref.slice(0, 64))}`);
  try {
    return reader.resolveRunId(ref);
  } catch (err) {
    if (err instanceof InputError) throw new HttpError(404, err.message);
    throw err;
  }
}

/** Series values as JSON numbers with gaps as null. */
function jsonValues(a: ArrayLike<number>): (number | null)[] {
  return Array.from(a, (v) => (Number.isFinite(v) ? v : null));
}

export function listRuns(reader: RunReader, q: Query) {
  const status = q.get("status") || undefined;
  if (status !== undefined && !RUN_STATUSES.includes(status as RunStatus))
    throw new HttpError(400, `status: expected one of ${RUN_STATUSES.join(", ")}`);
  const experiment = q.get("experiment") || undefined;
  const search = (q.get("q") ?? "").toLowerCase().slice(0, 200);
  const limit = numberParam(q, "limit", { min: 1, max: 100_000, integer: true }) ?? 1000;
  let runs: RunSummary[] = reader.listRuns({ status: status as RunStatus | undefined, experiment });
  if (search) runs = runs.filter((r) => `${r.id} ${r.name} ${r.experiment}`.toLowerCase().includes(search));
  const experiments = [...new Set(reader.listRuns().map((r) => r.experiment))].sort();
  return { runs: runs.slice(0, limit), total: runs.length, experiments };
}

export function runDetail(reader: RunReader, ref: string) {
  const id = runId(reader, ref);
  return {
    run: reader.getRun(id),
    keys: reader.scalarKeys(id),
    events: reader.events(id),
    artifacts: reader.artifacts(id),
  };
}

interface View {
  buckets: number;
  lo?: number;
  hi?: number;
  smooth: number;
}

function view(q: Query): View {
  const lo = numberParam(q, "lo");
  const hi = numberParam(q, "hi");
  if (lo !== undefined && hi !== undefined && !(hi >= lo)) throw new HttpError(400, "hi: must be ≥ lo");
  return {
    buckets: numberParam(q, "px", { min: 1, max: MAX_BUCKETS, integer: true }) ?? 1000,
    lo,
    hi,
    smooth: numberParam(q, "smooth", { min: 0, max: 0.999 }) ?? 0,
  };
}

/** One series of one run, smoothed on the full series first, then decimated to the view. */
export function series(reader: RunReader, cache: SeriesCache, ref: string, q: Query) {
  const id = runId(reader, ref);
  const key = requiredParam(q, "key");
  const v = view(q);
  const full = cache.get(id, key);
  const s: SeriesData = v.smooth > 0 ? { x: full.x, y: emaDebiased(full.y, v.smooth) } : full;
  const d = decimate(s, v.buckets, { lo: v.lo, hi: v.hi, context: true });
  return {
    run: id,
    key,
    points: full.x.length,
    total: d.total,
    exact: d.exact,
    x: Array.from(d.x),
    y: jsonValues(d.y),
    range: full.x.length ? [full.x[0], full.x[full.x.length - 1]] : null,
  };
}

/** Mean ± std over runs (seeds) of one key; smoothing applies to each run before averaging. */
export function aggregateSeries(reader: RunReader, cache: SeriesCache, q: Query) {
  const refs = requiredParam(q, "runs").split(",").filter(Boolean);
  if (refs.length > MAX_RUNS_PER_REQUEST) throw new HttpError(400, `runs: at most ${MAX_RUNS_PER_REQUEST}`);
  const ids = refs.map((r) => runId(reader, r));
  const key = requiredParam(q, "key");
  const v = view(q);
  const runs = ids.map((id) => {
    const s = cache.get(id, key);
    return v.smooth > 0 ? { x: s.x, y: emaDebiased(s.y, v.smooth) } : s;
  });
  const a = aggregate(runs);
  const lo = Float64Array.from(a.mean, (m, i) => m - a.std[i]);
  const hi = Float64Array.from(a.mean, (m, i) => m + a.std[i]);
  // the band's lower edge keeps its minima and the upper edge its maxima: decimate each on its own
  const range = { lo: v.lo, hi: v.hi, context: true };
  const mean = decimate({ x: a.x, y: a.mean }, v.buckets, range);
  const bandLo = decimate({ x: a.x, y: lo }, v.buckets, range);
  const bandHi = decimate({ x: a.x, y: hi }, v.buckets, range);
  return {
    runs: ids,
    key,
    mean: { x: Array.from(mean.x), y: jsonValues(mean.y) },
    lo: { x: Array.from(bandLo.x), y: jsonValues(bandLo.y) },
    hi: { x: Array.from(bandHi.x), y: jsonValues(bandHi.y) },
  };
}

/**
 * Runs grouped by their config with the seed left out (the flattened params without `seed`):
 * the runs of one group differ only by seed, so their mean ± std is a statement about the config.
 */
export function groups(reader: RunReader, q: Query) {
  const experiment = q.get("experiment") || undefined;
  const byConfig = new Map<
    string,
    { config: Record<string, unknown>; runs: { id: string; seed: number | null; status: string }[] }
  >();
  for (const r of reader.listRuns({ experiment, limit: 5000 })) {
    const d = reader.getRun(r.id);
    const { seed: _seed, ...rest } = d.params;
    const k = JSON.stringify(
      Object.keys(rest)
        .sort()
        .map((key) => [key, rest[key]]),
    );
    const g = byConfig.get(k) ?? { config: rest, runs: [] };
    g.runs.push({ id: r.id, seed: r.seed, status: r.status });
    byConfig.set(k, g);
  }
  return { groups: [...byConfig.values()].map((g, i) => ({ id: i, size: g.runs.length, ...g })) };
}
