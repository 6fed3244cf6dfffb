/**
 * The change-point detectors against their oracles (docs/monitor.md §cusum, §bocpd): CUSUM's
 * in-control and shifted average run lengths against Siegmund's approximation and Montgomery's
 * tables; BOCPD's run-length posterior against brute-force enumeration of every segmentation;
 * BOCPD's false-alarm rate on null series and its delay on series with a known change point.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { foldIn, key, normalArray } from "../../src/core/random.ts";
import { logGamma } from "../../src/core/special.ts";
import { Cusum, siegmundArl, twoSidedArl } from "../../src/monitor/cusum.ts";
import { Bocpd, DEFAULT_PRIOR } from "../../src/monitor/bocpd.ts";
import type { ChangeDetector } from "../../src/monitor/detector.ts";
import { SeriesScaler } from "../../src/monitor/scaling.ts";
import { ChangeTracker } from "../../src/monitor/tracker.ts";

/** Steps until the first alarm (1-based) on N(shift, 1) data, or `cap` without one. */
function runLength(d: ChangeDetector, seed: number, shift: number, cap: number): number {
  d.reset();
  let z: Float64Array = new Float64Array(0);
  for (let i = 0; i < cap; i++) {
    if (i % 256 === 0) z = normalArray(foldIn(foldIn(key(17), seed), i / 256), 256);
    if (d.push(z[i % 256] + shift).alarm) return i + 1;
  }
  return cap;
}

function meanAndSe(xs: number[]): { mean: number; se: number } {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  return { mean: m, se: Math.sqrt(v / xs.length) };
}

test("logGamma: Γ(n) = (n−1)!, Γ(½) = √π, and the recurrence Γ(x+1) = xΓ(x)", () => {
  let f = 1;
  for (let n = 1; n < 25; n++) {
    if (n > 1) f *= n - 1;
    assert.ok(Math.abs(logGamma(n) - Math.log(f)) < 1e-13 * Math.max(1, Math.log(f)), `n=${n}`);
  }
  assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-14);
  for (const x of [0.01, 0.3, 1.7, 4.2, 33.3, 250.5])
    assert.ok(Math.abs(logGamma(x + 1) - logGamma(x) - Math.log(x)) < 1e-12 * Math.max(1, logGamma(x + 1)), `x=${x}`);
});

test("CUSUM k = 0.5, h = 5: in-control ARL ≈ 465 (Montgomery) and Siegmund's 469, measured on 600 null series", () => {
  assert.ok(Math.abs(twoSidedArl(0) - 469) < 2, `Siegmund two-sided ${twoSidedArl(0)}`);
  const rl = Array.from({ length: 600 }, (_, s) => runLength(new Cusum(), s, 0, 20000));
  const { mean, se } = meanAndSe(rl);
  assert.ok(Math.abs(mean - 465) < 3.5 * se, `ARL0 ${mean} ± ${se}`);
});

test("CUSUM k = 0.5, h = 5: ARL at a 1-sd shift ≈ 10.4 (Montgomery; Siegmund one-sided ≈ 10.4)", () => {
  assert.ok(Math.abs(siegmundArl(1) - 10.4) < 0.2, `Siegmund ${siegmundArl(1)}`);
  const rl = Array.from({ length: 2000 }, (_, s) => runLength(new Cusum(), 1000 + s, 1, 1000));
  const { mean, se } = meanAndSe(rl);
  assert.ok(Math.abs(mean - 10.4) < 4 * se + 0.2, `ARL1 ${mean} ± ${se}`);
});

test("CUSUM places a change: a 2-sd upward shift at observation 200 is located within 3 of it", () => {
  const z = normalArray(key(5), 400);
  const c = new Cusum();
  let found: { at: number; lag: number; dir: string } | null = null;
  for (let i = 0; i < 400 && !found; i++) {
    const r = c.push(z[i] + (i >= 200 ? 2 : 0));
    if (r.alarm && i >= 200) found = { at: i, lag: r.alarm.lag, dir: r.alarm.direction };
  }
  assert.ok(found, "no alarm after the change");
  assert.equal(found.dir, "up");
  assert.ok(Math.abs(found.at - found.lag - 200) <= 3, `located at ${found.at - found.lag}`);
});

/** log marginal likelihood of a segment under the Normal–Gamma prior (closed form). */
function logMarginal(xs: number[]): number {
  const { mu0, kappa0, alpha0, beta0 } = DEFAULT_PRIOR;
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const ss = xs.reduce((a, b) => a + (b - mean) ** 2, 0);
  const kn = kappa0 + n;
  const an = alpha0 + n / 2;
  const bn = beta0 + 0.5 * ss + (kappa0 * n * (mean - mu0) ** 2) / (2 * kn);
  return (
    logGamma(an) -
    logGamma(alpha0) +
    alpha0 * Math.log(beta0) -
    an * Math.log(bn) +
    0.5 * Math.log(kappa0 / kn) -
    (n / 2) * Math.log(2 * Math.PI)
  );
}

test("BOCPD's run-length posterior equals brute-force enumeration of all segmentations (T = 7)", () => {
  const H = 0.2;
  const xs = [0.3, -0.5, 0.1, 2.8, 3.4, 2.9, -0.2];
  const T = xs.length;
  const d = new Bocpd({ hazard: H, maxRunLengths: 1000 });
  for (const x of xs) d.push(x);
  const post = d.posterior();
  // Brute force: a boundary after each x_t (t < T) with probability H; r_T = k ≥ 1 ⇔ the last
  // segment is x_{T−k+1..T} and no boundary after x_T (factor 1 − H); r_T = 0 ⇔ a boundary after x_T (H).
  const want = new Map<number, number>();
  let total = 0;
  for (let mask = 0; mask < 1 << (T - 1); mask++) {
    let logw = 0;
    let start = 0;
    for (let t = 0; t < T; t++) {
      const boundary = t === T - 1 || ((mask >> t) & 1) === 1;
      if (t < T - 1) logw += Math.log(boundary ? H : 1 - H);
      if (boundary) {
        logw += logMarginal(xs.slice(start, t + 1));
        start = t + 1;
      }
    }
    let last = 0;
    for (let t = T - 2; t >= 0 && ((mask >> t) & 1) === 0; t--) last++;
    const k = last + 1;
    const w = Math.exp(logw);
    want.set(k, (want.get(k) ?? 0) + w * (1 - H));
    want.set(0, (want.get(0) ?? 0) + w * H);
    total += w;
  }
  for (const [k, v] of want) {
    const i = post.runLength.indexOf(k);
    assert.ok(i >= 0, `run length ${k} missing`);
    assert.ok(Math.abs(post.probability[i] - v / total) < 1e-12, `r=${k}: ${post.probability[i]} vs ${v / total}`);
  }
  assert.ok(Math.abs(post.probability[post.runLength.indexOf(0)] - H) < 1e-14, "P(r = 0) = H");
});

test("BOCPD (H = 1/100, minRun 5, odds 1): ARL ≈ 550 on null series; delay < 5 after a 2-sd and < 2.5 after a 3-sd shift", () => {
  const null_ = Array.from({ length: 60 }, (_, s) => runLength(new Bocpd(), s, 0, 5000));
  const arl0 = meanAndSe(null_);
  assert.ok(arl0.mean > 350 && arl0.mean < 800, `ARL0 ${arl0.mean} ± ${arl0.se}`);
  // Delay after a shift at observation 60 (runs with a false alarm before it are discarded).
  for (const [shift, bound] of [
    [2, 5],
    [3, 2.5],
  ]) {
    const delays: number[] = [];
    for (let s = 0; s < 100; s++) {
      const z = normalArray(foldIn(key(23), s), 200);
      const d = new Bocpd();
      for (let i = 0; i < 200; i++) {
        const r = d.push(z[i] + (i >= 60 ? shift : 0));
        if (!r.alarm) continue;
        if (i >= 60) delays.push(i - 60);
        break;
      }
    }
    const delay = meanAndSe(delays);
    assert.ok(delays.length >= 90, `${delays.length} detections`);
    assert.ok(delay.mean < bound, `shift ${shift}: delay ${delay.mean} ± ${delay.se}`);
  }
});

test("ChangeTracker: a slope change of a smooth series (rate transform) is placed at the kink", () => {
  const noise = normalArray(key(3), 300);
  for (const det of [new Cusum(), new Bocpd()]) {
    const tr = new ChangeTracker(det, new SeriesScaler({ transform: "rate", reference: "initial", window: 20 }));
    let x = 0;
    const alarms: { step: number; changeStep: number }[] = [];
    for (let i = 0; i < 300; i++) {
      const step = 10 * i;
      x += (i < 150 ? 1 : 3) * 10 + noise[i];
      const r = tr.push(step, x);
      if (r.alarm) alarms.push(r.alarm);
    }
    assert.ok(alarms.length >= 1, `${det.name}: no alarm`);
    // The kink is a ~140-sd jump of the rate: found at once; CUSUM dates it to the last zero of its sum.
    const first = alarms.find((a) => a.step >= 1500);
    assert.ok(first && first.step <= 1510, `${det.name}: ${JSON.stringify(alarms)}`);
    assert.ok(first.changeStep <= 1500 && first.changeStep >= 1300, `${det.name}: ${JSON.stringify(alarms)}`);
    assert.ok(alarms.filter((a) => a.step < 1500).length === 0, `${det.name}: false alarm ${JSON.stringify(alarms)}`);
  }
});
