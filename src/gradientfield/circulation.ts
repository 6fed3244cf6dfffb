/**
 * Circulation tests (docs/gradient-field.md §circulation). On a circle of K points
 * v_k = c + r(cos 2πk/K, sin 2πk/K), the trapezoid circulation of a 1-form F is
 *
 *   C = Σ_k F(v_k)·(v_{k+1} − v_{k−1})/2,
 *
 * zero (to the rule's spectral accuracy) for a smooth gradient field. Replicate r evaluates all K
 * points under one stream (common random numbers; `crn: false` gives every point its own stream,
 * the independent-noise setting of the calibration). H₀: E[C] = 0, by a one-sample t-test over the
 * R replicates. Many small loops are tested one by one and the p-values adjusted by Holm
 * (family-wise error) or Benjamini–Hochberg (false discovery rate).
 */
import { type Key, foldIn, key as keyOf } from "../core/random.ts";
import { adjust, tTest, type Correction, type TTest } from "./stats.ts";
import type { Coordinates, DriftField } from "./types.ts";

/** Relative rounding level of a circulation sum (K terms of size |F·w|). */
const ROUNDING = 1e-12;

export interface Loop {
  center: number[];
  radius: number;
  /** Points on the circle. */
  K: number;
}

/** The loop's points and trapezoid weights (v_{k+1} − v_{k−1})/2. */
export function loopGeometry(loop: Loop): { points: Float64Array[]; weights: Float64Array[] } {
  const { center, radius, K } = loop;
  if (center.length !== 2) throw new Error("loop: circulation loops live in a 2-D chart");
  if (!(K >= 3) || !Number.isInteger(K)) throw new Error(`loop: need an integer K ≥ 3, got ${K}`);
  const points = Array.from({ length: K }, (_, k) => {
    const a = (2 * Math.PI * k) / K;
    return Float64Array.of(center[0] + radius * Math.cos(a), center[1] + radius * Math.sin(a));
  });
  const weights = points.map((_, k) => {
    const nx = points[(k + 1) % K],
      pv = points[(k + K - 1) % K];
    return Float64Array.of((nx[0] - pv[0]) / 2, (nx[1] - pv[1]) / 2);
  });
  return { points, weights };
}

/** The trapezoid circulation of deterministic 1-forms (one per coordinate system). */
export function circulationOf(F: (s: Float64Array) => Float64Array[], loop: Loop): number[] {
  const { points, weights } = loopGeometry(loop);
  let acc: number[] | null = null;
  points.forEach((p, k) => {
    const f = F(p);
    acc ??= f.map(() => 0);
    f.forEach((v, c) => (acc![c] += v[0] * weights[k][0] + v[1] * weights[k][1]));
  });
  return acc as unknown as number[];
}

export interface CirculationResult {
  coordinates: Coordinates;
  loop: Loop;
  /** Per-replicate circulations. */
  samples: number[];
  test: TTest;
  /** E[C] from the field's exact mean, when it has one. */
  exact: number | null;
}

export interface CirculationOptions {
  replicates: number;
  key?: Key;
  alpha?: number;
  /** Common random numbers within a replicate (default true). */
  crn?: boolean;
  /** Also evaluate E[C] from `field.mean` (default: when the field has one). */
  exact?: boolean;
}

/** Circulation of every coordinate system of `field` around `loop`, R replicates, t-tested. */
export function circulationTest(field: DriftField, loop: Loop, o: CirculationOptions): CirculationResult[] {
  const { points, weights } = loopGeometry(loop);
  const R = o.replicates;
  if (!(R >= 2)) throw new Error(`circulation: need at least 2 replicates, got ${R}`);
  const base = o.key ?? keyOf(0);
  const crn = o.crn ?? true;
  const nc = field.coordinates.length;
  const samples = Array.from({ length: nc }, () => new Array<number>(R).fill(0));
  // Σ_k |F·w| per coordinate system: the size of the terms, whose rounding is the test's floor.
  const scale = new Array<number>(nc).fill(0);
  for (let r = 0; r < R; r++) {
    const stream = foldIn(base, r);
    points.forEach((p, k) => {
      const f = field.sample(p, crn ? stream : foldIn(stream, 0x10000 + k));
      for (let c = 0; c < nc; c++) {
        const term = f[c][0] * weights[k][0] + f[c][1] * weights[k][1];
        samples[c][r] += term;
        scale[c] += Math.abs(term) / R;
      }
    });
  }
  const exact = (o.exact ?? true) && field.mean ? circulationOf((s) => field.mean!(s), loop) : null;
  return field.coordinates.map((coordinates, c) => ({
    coordinates,
    loop,
    samples: samples[c],
    test: tTest(samples[c], { alpha: o.alpha ?? 0.05, floor: ROUNDING * scale[c] }),
    exact: exact ? exact[c] : null,
  }));
}

export interface LoopFamilyResult {
  coordinates: Coordinates;
  correction: Correction;
  alpha: number;
  loops: { loop: Loop; mean: number; stderr: number; p: number; adjustedP: number; rejected: boolean }[];
  /** Loops rejected after the correction. */
  rejections: number;
  /** The smallest adjusted p-value (the family's evidence against "gradient field"). */
  minAdjustedP: number;
}

/** Circulation tests on many loops with a multiple-testing correction, per coordinate system. */
export function loopFamilyTest(
  field: DriftField,
  loops: readonly Loop[],
  o: CirculationOptions & { correction?: Correction },
): LoopFamilyResult[] {
  const alpha = o.alpha ?? 0.05;
  const correction = o.correction ?? "holm";
  const base = o.key ?? keyOf(0);
  const perLoop = loops.map((loop, i) => circulationTest(field, loop, { ...o, exact: false, key: foldIn(base, i) }));
  return field.coordinates.map((coordinates, c) => {
    const ps = perLoop.map((r) => r[c].test.p);
    const adj = adjust(ps, correction);
    const rows = perLoop.map((r, i) => ({
      loop: loops[i],
      mean: r[c].test.mean,
      stderr: r[c].test.stderr,
      p: ps[i],
      adjustedP: adj[i],
      rejected: adj[i] <= alpha,
    }));
    return {
      coordinates,
      correction,
      alpha,
      loops: rows,
      rejections: rows.filter((x) => x.rejected).length,
      minAdjustedP: Math.min(...adj),
    };
  });
}

/** A grid of `n × n` small loops of radius `radius` centred in the box [lo, hi]² (per axis). */
export function loopGrid(lo: readonly number[], hi: readonly number[], n: number, radius: number, K: number): Loop[] {
  const out: Loop[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      out.push({
        center: [lo[0] + ((i + 0.5) * (hi[0] - lo[0])) / n, lo[1] + ((j + 0.5) * (hi[1] - lo[1])) / n],
        radius,
        K,
      });
  return out;
}
