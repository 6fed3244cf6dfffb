/**
 * Synthetic classification sets generated from a key: two moons, interleaved spirals and a
 * Gaussian mixture. Labels are balanced (sample i has class i mod C before the shuffle of the split).
 */
import { Tensor } from "../core/tensor.ts";
import { type Key, normalArray, split, uniformArray } from "../core/random.ts";
import { trainTestSplit } from "./split.ts";
import type { TaskData } from "./types.ts";

function task(
  name: string,
  x: Float64Array,
  y: Float64Array,
  dim: number,
  classes: number,
  k: Key,
  trainFraction: number,
): TaskData {
  const n = y.length;
  const s = trainTestSplit(new Tensor(x, [n, dim]), new Tensor(y, [n]), k, trainFraction, `data (${name})`);
  return { name, ...s, loss: "xent", classes };
}

/**
 * sklearn's make_moons with random angles: class 0 is (cos t, sin t), class 1 is
 * (1 − cos t, ½ − sin t), t ~ U(0, π), plus N(0, noise²) on both coordinates.
 */
export function twoMoons(cfg: { n: number; noise: number; trainFraction: number }, k: Key): TaskData {
  const [kt, kn, ks] = split(k, 3);
  const t = uniformArray(kt, cfg.n);
  const z = normalArray(kn, 2 * cfg.n);
  const x = new Float64Array(2 * cfg.n);
  const y = new Float64Array(cfg.n);
  for (let i = 0; i < cfg.n; i++) {
    const a = Math.PI * t[i];
    const c = i % 2;
    y[i] = c;
    x[2 * i] = (c === 0 ? Math.cos(a) : 1 - Math.cos(a)) + cfg.noise * z[2 * i];
    x[2 * i + 1] = (c === 0 ? Math.sin(a) : 0.5 - Math.sin(a)) + cfg.noise * z[2 * i + 1];
  }
  return task("two-moons", x, y, 2, 2, ks, cfg.trainFraction);
}

/**
 * `arms` interleaved spirals: arm c at radius r ~ U(0, 1) sits at angle 2π·turns·r + 2πc/arms,
 * x = r (cos θ, sin θ) + N(0, noise²).
 */
export function spirals(
  cfg: { n: number; arms: number; turns: number; noise: number; trainFraction: number },
  k: Key,
): TaskData {
  const [kr, kn, ks] = split(k, 3);
  const r = uniformArray(kr, cfg.n);
  const z = normalArray(kn, 2 * cfg.n);
  const x = new Float64Array(2 * cfg.n);
  const y = new Float64Array(cfg.n);
  for (let i = 0; i < cfg.n; i++) {
    const c = i % cfg.arms;
    const th = 2 * Math.PI * (cfg.turns * r[i] + c / cfg.arms);
    y[i] = c;
    x[2 * i] = r[i] * Math.cos(th) + cfg.noise * z[2 * i];
    x[2 * i + 1] = r[i] * Math.sin(th) + cfg.noise * z[2 * i + 1];
  }
  return task("spirals", x, y, 2, cfg.arms, ks, cfg.trainFraction);
}

/** Class means μ_c ~ N(0, separation² I) in `dim` dimensions; x = μ_c + N(0, std² I). */
export function gaussianMixture(
  cfg: { n: number; classes: number; dim: number; separation: number; std: number; trainFraction: number },
  k: Key,
): TaskData {
  const [km, kn, ks] = split(k, 3);
  const { n, dim, classes } = cfg;
  const mu = normalArray(km, classes * dim);
  const z = normalArray(kn, n * dim);
  const x = new Float64Array(n * dim);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let j = 0; j < dim; j++) x[i * dim + j] = cfg.separation * mu[c * dim + j] + cfg.std * z[i * dim + j];
  }
  return task("gaussian-mixture", x, y, dim, classes, ks, cfg.trainFraction);
}
