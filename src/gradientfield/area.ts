/**
 * Stochastic area (probability current) of a 2-D projection of a long trajectory
 * (docs/gradient-field.md §area). For a stationary process whose law is invariant under time
 * reversal (gradient drift with isotropic noise: detailed balance) the Lévy area swept per step,
 *
 *   a_k = ½ (x_k (y_{k+1} − y_k) − y_k (x_{k+1} − x_k)),   about the trajectory's mean,
 *
 * has mean zero: running time backwards negates it. A non-gradient drift or a noise covariance
 * that does not match the drift's metric (Chaudhari–Soatto's non-equilibrium SGD) gives a
 * probability current and a non-zero mean area rate. The trajectory is cut into blocks much longer
 * than its correlation time; the block areas are tested against the time-reversal null by a
 * sign-flip randomisation test (each block as likely run backwards as forwards) and by a t-test.
 */
import type { Key } from "../core/random.ts";
import { signFlipTest, tTest, type TTest } from "./stats.ts";

export interface AreaResult {
  /** Mean area per step, with its t interval (from the block areas). */
  ratePerStep: number;
  test: TTest;
  /** Sign-flip (time-reversal) p-value of the block areas. */
  reversalP: number;
  blocks: number;
  blockLength: number;
}

/** Area per step of the projected trajectory (x_k, y_k), tested against time reversal. */
export function stochasticArea(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  o: { blocks?: number; key: Key; flips?: number; alpha?: number },
): AreaResult {
  const n = x.length;
  if (n !== y.length || n < 8) throw new Error("stochasticArea: need two coordinate series of equal length ≥ 8");
  const B = o.blocks ?? 20;
  const L = Math.floor((n - 1) / B);
  if (L < 2) throw new Error(`stochasticArea: ${n} points are too few for ${B} blocks`);
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  const areas = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let a = 0;
    for (let k = b * L; k < (b + 1) * L; k++) {
      const xk = x[k] - mx,
        yk = y[k] - my;
      a += 0.5 * (xk * (y[k + 1] - y[k]) - yk * (x[k + 1] - x[k]));
    }
    areas[b] = a / L;
  }
  const test = tTest(areas, { alpha: o.alpha ?? 0.05 });
  return {
    ratePerStep: test.mean,
    test,
    reversalP: signFlipTest(areas, o.key, o.flips ?? 2000).p,
    blocks: B,
    blockLength: L,
  };
}
