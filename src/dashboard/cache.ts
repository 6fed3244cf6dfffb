/**
 * Every logged point of the series the dashboard is looking at, in memory as growing typed arrays:
 * one read of the store per series, then only the new tail (points with step > the last step held)
 * on later requests, so a live run costs a few rows per refresh and a 10⁶-point series is read
 * once. Least-recently-used series are dropped past a total point budget.
 */
import type { ReadOnlyStore } from "../report/source.ts";
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
    private readonly reader: ReadOnlyStore,
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
    const entry = e;
    this.reader.eachPoint(id, key, entry.lastStep, (step, value) => {
      if (entry.n === entry.x.length) {
        const x = new Float64Array(2 * entry.n);
        const y = new Float64Array(2 * entry.n);
        x.set(entry.x);
        y.set(entry.y);
        entry.x = x;
        entry.y = y;
      }
      entry.x[entry.n] = step;
      entry.y[entry.n] = value;
      entry.n++;
      entry.lastStep = step;
    });
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
