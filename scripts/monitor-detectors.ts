/**
 * Measures the monitor's change detectors on synthetic series (docs/monitor.md §detectors):
 * average run length on null series (false-alarm rate) and detection delay after a known mean
 * shift, for CUSUM (k = 0.5, h = 5) and BOCPD (hazard 1/100, minRun 5, odds 1), side by side with
 * Siegmund's CUSUM approximation. Run: node --import tsx scripts/monitor-detectors.ts
 */
import { foldIn, key, normalArray } from "../src/core/random.ts";
import { Bocpd } from "../src/monitor/bocpd.ts";
import { Cusum, twoSidedArl } from "../src/monitor/cusum.ts";
import type { ChangeDetector } from "../src/monitor/detector.ts";

function normals(seed: number, i: number): Float64Array {
  return normalArray(foldIn(foldIn(key(99), seed), i), 256);
}

/** Observations until the first alarm on N(0, 1) data (capped). */
function nullRunLength(d: ChangeDetector, seed: number, cap: number): number {
  d.reset();
  let z: Float64Array = new Float64Array(0);
  for (let i = 0; i < cap; i++) {
    if (i % 256 === 0) z = normals(seed, i / 256);
    if (d.push(z[i % 256]).alarm) return i + 1;
  }
  return cap;
}

/** Delay after a shift at observation 50 (runs with an earlier alarm are dropped), and how many were dropped. */
function delay(d: ChangeDetector, seed: number, shift: number): number | null {
  d.reset();
  const z = normals(1000 + seed, 0);
  for (let i = 0; i < 256; i++) {
    const r = d.push(z[i] + (i >= 50 ? shift : 0));
    if (r.alarm) return i >= 50 ? i - 50 : null;
  }
  return 206;
}

const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const se = (a: number[]) => Math.sqrt(a.reduce((x, y) => x + (y - mean(a)) ** 2, 0) / (a.length - 1) / a.length);
const rows: string[][] = [
  ["detector", "ARL₀ (null)", "delay 1 sd", "delay 2 sd", "delay 3 sd", "false alarms before the shift"],
];
for (const [name, make] of [
  ["CUSUM k=0.5 h=5", () => new Cusum()],
  ["BOCPD H=1/100 odds 1", () => new Bocpd()],
  ["BOCPD H=1/100 odds 10", () => new Bocpd({ threshold: 10 })],
] as [string, () => ChangeDetector][]) {
  const rl = Array.from({ length: 100 }, (_, s) => nullRunLength(make(), s, 10000));
  const row = [name, `${mean(rl).toFixed(0)} ± ${se(rl).toFixed(0)}`];
  let early = 0;
  for (const shift of [1, 2, 3]) {
    const ds = Array.from({ length: 300 }, (_, s) => delay(make(), s, shift));
    const ok = ds.filter((d): d is number => d !== null);
    if (shift === 1) early = ds.length - ok.length;
    row.push(`${mean(ok).toFixed(1)} ± ${se(ok).toFixed(1)}`);
  }
  row.push(`${early}/300`);
  rows.push(row);
}
console.log(
  `Siegmund two-sided CUSUM: ARL₀ ≈ ${twoSidedArl(0).toFixed(0)}, ARL at 1 sd ≈ ${twoSidedArl(1).toFixed(1)}`,
);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(i === 0 ? 24 : 16)).join(""));
