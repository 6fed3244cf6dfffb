/**
 * 2-D Hopf–Lax u(x, t) = min_y { f(y) + |x − y|²/(2t) }, p = (x − y*)/t, on a tensor grid of
 * evaluation points x = (x1[i], x2[j]) (results row-major, index i·n2 + j): brute force over a
 * y-grid, then refinement of the two best discrete local minima (see hopfLax.ts).
 */
import { InputError } from "../../errors.ts";
import { linspace } from "../quadrature.ts";
import { positive } from "../../validate.ts";
import type { YGrid } from "./hopfLax.ts";

export interface HopfLax2dResult {
  u: Float64Array;
  p1: Float64Array;
  p2: Float64Array;
  y1: Float64Array;
  y2: Float64Array;
}

type F2 = (y1: number, y2: number) => number;
type G2 = (y1: number, y2: number) => [number, number];

/** Shrinking 3×3 pattern search from (a, b) with initial steps (h1, h2). */
function patternSearch(g: F2, a: number, b: number, h1: number, h2: number): [number, number, number] {
  let best = g(a, b);
  for (let it = 0; it < 2000; it++) {
    let na = a;
    let nb = b;
    let nv = best;
    for (let di = -1; di <= 1; di++) {
      for (let dj = -1; dj <= 1; dj++) {
        if (di === 0 && dj === 0) continue;
        const v = g(a + di * h1, b + dj * h2);
        if (v < nv) {
          nv = v;
          na = a + di * h1;
          nb = b + dj * h2;
        }
      }
    }
    if (nv < best) {
      a = na;
      b = nb;
      best = nv;
    } else {
      h1 *= 0.5;
      h2 *= 0.5;
      if (h1 < 1e-15 * Math.max(1, Math.abs(a)) && h2 < 1e-15 * Math.max(1, Math.abs(b))) break;
    }
  }
  return [a, b, best];
}

/** Newton on G(y) = ∇f(y) + (y − x)/t, accepting only steps that reduce |G|. */
function newtonPolish(grad: G2, x1: number, x2: number, t: number, a: number, b: number): [number, number] {
  const G = (p: number, q: number): [number, number] => {
    const [g1, g2] = grad(p, q);
    return [g1 + (p - x1) / t, g2 + (q - x2) / t];
  };
  let [r1, r2] = G(a, b);
  for (let it = 0; it < 8; it++) {
    const h = 1e-6 * (1 + Math.abs(a) + Math.abs(b));
    const [ga1, ga2] = G(a + h, b);
    const [gb1, gb2] = G(a - h, b);
    const [gc1, gc2] = G(a, b + h);
    const [gd1, gd2] = G(a, b - h);
    const j11 = (ga1 - gb1) / (2 * h);
    const j21 = (ga2 - gb2) / (2 * h);
    const j12 = (gc1 - gd1) / (2 * h);
    const j22 = (gc2 - gd2) / (2 * h);
    const dt = j11 * j22 - j12 * j21;
    if (!(Math.abs(dt) > 0)) break;
    const na = a - (j22 * r1 - j12 * r2) / dt;
    const nb = b - (-j21 * r1 + j11 * r2) / dt;
    const [s1, s2] = G(na, nb);
    if (!(Math.hypot(s1, s2) < Math.hypot(r1, r2))) break;
    a = na;
    b = nb;
    r1 = s1;
    r2 = s2;
  }
  return [a, b];
}

export function hopfLax2d(
  f: F2,
  x1: ArrayLike<number>,
  x2: ArrayLike<number>,
  t: number,
  opts: { grid: [YGrid, YGrid]; grad?: G2 },
): HopfLax2dResult {
  positive(t, "t");
  const [gy1, gy2] = opts.grid;
  for (const [g, name] of [
    [gy1, "grid[0]"],
    [gy2, "grid[1]"],
  ] as const) {
    if (!(g.min < g.max) || !Number.isInteger(g.n) || g.n < 3)
      throw new InputError(`${name}: expected min < max and n >= 3`);
  }
  const Y1 = linspace(gy1.min, gy1.max, gy1.n);
  const Y2 = linspace(gy2.min, gy2.max, gy2.n);
  const m1 = Y1.length;
  const m2 = Y2.length;
  const h1 = Y1[1] - Y1[0];
  const h2 = Y2[1] - Y2[0];
  const fy = new Float64Array(m1 * m2);
  for (let a = 0; a < m1; a++) for (let b = 0; b < m2; b++) fy[a * m2 + b] = f(Y1[a], Y2[b]);
  const n1 = x1.length;
  const n2 = x2.length;
  const N = n1 * n2;
  const res: HopfLax2dResult = {
    u: new Float64Array(N),
    p1: new Float64Array(N),
    p2: new Float64Array(N),
    y1: new Float64Array(N),
    y2: new Float64Array(N),
  };
  const gk = new Float64Array(m1 * m2);
  const inv2t = 1 / (2 * t);
  for (let i = 0; i < n1; i++) {
    for (let j = 0; j < n2; j++) {
      const xa = x1[i];
      const xb = x2[j];
      for (let a = 0; a < m1; a++) {
        const da = (xa - Y1[a]) * (xa - Y1[a]);
        for (let b = 0; b < m2; b++) gk[a * m2 + b] = fy[a * m2 + b] + (da + (xb - Y2[b]) * (xb - Y2[b])) * inv2t;
      }
      // two best discrete local minima (8-neighbourhood)
      let k1 = -1;
      let k2 = -1;
      for (let a = 0; a < m1; a++) {
        for (let b = 0; b < m2; b++) {
          const v = gk[a * m2 + b];
          if (k2 >= 0 && v >= gk[k2]) continue;
          let isMin = true;
          for (let da = -1; da <= 1 && isMin; da++) {
            for (let db = -1; db <= 1; db++) {
              const aa = a + da;
              const bb = b + db;
              if ((da || db) && aa >= 0 && aa < m1 && bb >= 0 && bb < m2 && gk[aa * m2 + bb] < v) {
                isMin = false;
                break;
              }
            }
          }
          if (!isMin) continue;
          const k = a * m2 + b;
          if (k1 < 0 || v < gk[k1]) {
            k2 = k1;
            k1 = k;
          } else k2 = k;
        }
      }
      const g = (p: number, q: number): number => f(p, q) + ((xa - p) * (xa - p) + (xb - q) * (xb - q)) * inv2t;
      let best: [number, number, number] = [NaN, NaN, Infinity];
      for (const k of [k1, k2]) {
        if (k < 0) continue;
        let [a, b, v] = patternSearch(g, Y1[Math.floor(k / m2)], Y2[k % m2], h1, h2);
        if (opts.grad) {
          const [na, nb] = newtonPolish(opts.grad, xa, xb, t, a, b);
          const nv = g(na, nb);
          if (nv <= v) [a, b, v] = [na, nb, nv];
        }
        if (v < best[2] || (v === best[2] && a < best[0])) best = [a, b, v];
      }
      const idx = i * n2 + j;
      res.u[idx] = best[2];
      res.y1[idx] = best[0];
      res.y2[idx] = best[1];
      res.p1[idx] = (xa - best[0]) / t;
      res.p2[idx] = (xb - best[1]) / t;
    }
  }
  return res;
}
