/**
 * Every logged point of the series the dashboard is looking at, in memory as growing typed arrays:
 * one read of the store per series, then only the new tail (points with step > the last step held)
 * on later requests, so a live run costs a few rows per refresh and a 10⁶-point series is read
 * once. Least-recently-used series are dropped past a total point budget.
 */
import type { RunReader } from "../store/reader.ts";
import type { SeriesData } from "../report/series.ts";

interface Entry {
  x: Float64Array;
  y: Float64Array;
  n: number;
  lastStep: number;
}

/** Total points held (16 bytes each): 4·10⁷ ≈ 640 MB at most. */
const DEFAULT_BUDGET = 40_000_000;

export class SeriesCache {
  private readonly entries = new Map<string, Entry>();
  private held = 0;

  constructor(
    private readonly reader: RunReader,
    private readonly budget = DEFAULT_BUDGET,
  ) {}

  /** The full series `key` of run `id` (ids already resolved), brought up to date with the store. */
  get(id: string, key: string): SeriesData {
    const k = `${id}\u0000${key}`;
    let e = this.entries.get(k);
    if (e)
      this.entries.delete(k); // re-inserted below: Map order is the LRU order
    else e = { x: new Float64Array(1024), y: new Float64Array(1024), n: 0, lastStep: -Infinity };
    const before = e.n;
    const query = Number.isFinite(e.lastStep) ? { sinceStep: e.lastStep } : {};
    for (const p of this.reader.iterScalars(id, key, query)) {
      if (e.n === e.x.length) {
        const x = new Float64Array(2 * e.n);
        const y = new Float64Array(2 * e.n);
        x.set(e.x);
        y.set(e.y);
        e.x = x;
        e.y = y;
      }
      e.x[e.n] = p.step;
      e.y[e.n] = p.value;
      e.n++;
      e.lastStep = p.step;
    }
    this.held += e.n - before;
    this.entries.set(k, e);
    this.evict(k);
    return { x: e.x.subarray(0, e.n), y: e.y.subarray(0, e.n) };
  }

  private evict(keep: string): void {
    for (const [k, e] of this.entries) {
      if (this.held <= this.budget) break;
      if (k === keep) continue;
      this.entries.delete(k);
      this.held -= e.n;
    }
  }
}
