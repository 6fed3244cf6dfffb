/**
 * Calibration of the gradient-field tests on controls with known answers (docs/gradient-field.md
 * §calibration): the rejection rate at level α under a gradient field (size), the rejection rate
 * against a planted curl of stated size (power), and how often the estimate's interval covers the
 * planted value. Used by the test suite (≥ 200 repetitions) and reported by `shocklens paper`.
 */
import { type Key, foldIn } from "../core/random.ts";
import { circulationTest, loopFamilyTest, loopGrid } from "./circulation.ts";
import { jacobianAsymmetry } from "./asymmetry.ts";
import { hodgeTest, uniformGrid } from "./hodge.ts";
import { stochasticArea } from "./area.ts";
import {
  noisyGradientField,
  plantedCirculation,
  sgldAreaRate,
  sgldQuadraticField,
  sgldQuadraticTrajectory,
} from "./controls.ts";
import type { DriftField } from "./types.ts";

export interface Calibration {
  test: string;
  control: string;
  alternative: string;
  repetitions: number;
  alpha: number;
  /** Rejection rate under the null. */
  size: number;
  /** Rejection rate against the planted alternative. */
  power: number;
  /** Share of intervals covering the planted value (null where the test has no interval). */
  coverage: number | null;
}

type Trial = (field: DriftField, k: Key) => { p: number; covers?: boolean };

function rates(
  reps: number,
  key: Key,
  nullField: DriftField,
  alt: DriftField,
  trial: Trial,
  alpha: number,
): { size: number; power: number; coverage: number | null } {
  let rn = 0,
    ra = 0,
    cov = 0,
    withCi = 0;
  for (let i = 0; i < reps; i++) {
    if (trial(nullField, foldIn(key, 2 * i)).p < alpha) rn++;
    const a = trial(alt, foldIn(key, 2 * i + 1));
    if (a.p < alpha) ra++;
    if (a.covers !== undefined) {
      withCi++;
      if (a.covers) cov++;
    }
  }
  return { size: rn / reps, power: ra / reps, coverage: withCi ? cov / withCi : null };
}

/** Re-keys every evaluation by its point: independent noise per node under one replicate stream. */
function perPoint(f: DriftField): DriftField {
  return {
    ...f,
    sample: (s, k) => f.sample(s, foldIn(k, Math.round(1e6 * s[0]) * 7919 + Math.round(1e6 * s[1]))),
  };
}

/** Size, power and coverage of every test on its control, `reps` repetitions each. */
export function calibrate(o: { reps: number; key: Key; alpha?: number }): Calibration[] {
  const alpha = o.alpha ?? 0.05;
  const { reps } = o;
  const k = (i: number) => foldIn(o.key, i);
  const out: Calibration[] = [];
  const loop = { center: [0, 0], radius: 0.5, K: 32 };
  const planted = plantedCirculation(0.3, 0.5, 32);
  out.push({
    test: "circulation t-test (K = 32, R = 20)",
    control: "noisy gradient field, σ = 0.5, independent noise per point",
    alternative: "planted curl 0.6 (circulation κr²K sin(2π/K))",
    repetitions: reps,
    alpha,
    ...rates(
      reps,
      k(1),
      noisyGradientField({ noise: 0.5 }),
      noisyGradientField({ noise: 0.5, curl: 0.3 }),
      (f, key) => {
        const t = circulationTest(f, loop, { replicates: 20, crn: false, key })[0].test;
        return { p: t.p, covers: t.ci[0] <= planted && planted <= t.ci[1] };
      },
      alpha,
    ),
  });
  const s = Float64Array.of(0.3, -0.2);
  out.push({
    test: "Jacobian-asymmetry curl t-test (h = 0.05, R = 12)",
    control: "noisy gradient field, σ = 0.02, independent noise per evaluation",
    alternative: "planted curl 0.6",
    repetitions: reps,
    alpha,
    ...rates(
      reps,
      k(2),
      noisyGradientField({ noise: 0.02 }),
      noisyGradientField({ noise: 0.02, curl: 0.3 }),
      (f, key) => {
        const c = jacobianAsymmetry(f, s, { h: 0.05, replicates: 12, crn: false, key })[0].curl!;
        return { p: c.p, covers: c.ci[0] <= 0.6 && 0.6 <= c.ci[1] };
      },
      alpha,
    ),
  });
  const loops = loopGrid([-1, -1], [1, 1], 3, 0.3, 16);
  out.push({
    test: "9 loops with Holm (family-wise error)",
    control: "noisy gradient field, σ = 0.5",
    alternative: "planted curl 1.0",
    repetitions: reps,
    alpha,
    ...rates(
      reps,
      k(3),
      noisyGradientField({ noise: 0.5 }),
      noisyGradientField({ noise: 0.5, curl: 0.5 }),
      (f, key) => ({
        p: loopFamilyTest(f, loops, { replicates: 12, crn: false, key, correction: "holm" })[0].minAdjustedP,
      }),
      alpha,
    ),
  });
  const A = [1.5, 0.4, 0.8];
  out.push({
    test: "circulation t-test on SGLD (library optimizer, K = 16, R = 16)",
    control: "isotropic SGLD on a quadratic, η = 0.05, β = 50",
    alternative: "rotation ω = 0.8 added to the gradient",
    repetitions: reps,
    alpha,
    ...rates(
      reps,
      k(4),
      sgldQuadraticField({ A, eta: 0.05, beta: 50 }),
      sgldQuadraticField({ A, omega: 0.8, eta: 0.05, beta: 50 }),
      (f, key) => ({
        p: circulationTest(f, { center: [0.3, 0.1], radius: 0.4, K: 16 }, { replicates: 16, crn: false, key })[0].test
          .p,
      }),
      alpha,
    ),
  });
  const g = uniformGrid([-1, -1], [1, 1], 7);
  out.push({
    test: "Helmholtz–Hodge sign-flip test (7² grid, R = 10)",
    control: "noisy gradient field, σ = 0.5, independent noise per node",
    alternative: "planted curl 0.6",
    repetitions: reps,
    alpha,
    ...rates(
      reps,
      k(5),
      perPoint(noisyGradientField({ noise: 0.5 })),
      perPoint(noisyGradientField({ noise: 0.5, curl: 0.3 })),
      (f, key) => ({ p: hodgeTest(f, g, { replicates: 10, key, flips: 400 })[0].p as number }),
      alpha,
    ),
  });
  out.push(areaCalibration(reps, k(6), alpha));
  return out;
}

/** The stochastic-area time-reversal test on reversible and rotating SGLD chains (exact rate known). */
function areaCalibration(reps: number, key: Key, alpha: number): Calibration {
  const base = { a: 1, eta: 0.1, beta: 4, steps: 1200, burnIn: 100 };
  const rate = sgldAreaRate({ a: 1, omega: 0.6, eta: 0.1, beta: 4 });
  let rn = 0,
    ra = 0,
    cov = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = sgldQuadraticTrajectory({ ...base, key: foldIn(key, 4 * i) });
    if (stochasticArea(t0.x, t0.y, { key: foldIn(key, 4 * i + 1), flips: 400 }).reversalP < alpha) rn++;
    const t1 = sgldQuadraticTrajectory({ ...base, omega: 0.6, key: foldIn(key, 4 * i + 2) });
    const r = stochasticArea(t1.x, t1.y, { key: foldIn(key, 4 * i + 3), flips: 400 });
    if (r.reversalP < alpha) ra++;
    if (r.test.ci[0] <= rate && rate <= r.test.ci[1]) cov++;
  }
  return {
    test: "stochastic area, time-reversal sign-flip test (20 blocks of 60 steps)",
    control: "reversible SGLD chain on a quadratic (a = 1, η = 0.1, β = 4)",
    alternative: `rotation ω = 0.6 (exact area rate ${rate.toPrecision(3)} per step)`,
    repetitions: reps,
    alpha,
    size: rn / reps,
    power: ra / reps,
    coverage: cov / reps,
  };
}
