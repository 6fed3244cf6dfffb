/**
 * PDE residuals of gridded solutions by centred finite differences (second order in h and k):
 *   HJ:       r = u_t + ½|∇u|² − νΔu
 *   Burgers:  r = p_t + (p·∇)p − νΔp      (1-D: p_t + p p_x − ν p_xx)
 * with u_t ≈ (u(t+k) − u(t−k))/(2k), ∂_x ≈ (·_{i+1} − ·_{i−1})/(2h), ∂²_x ≈ (·_{i+1} − 2·ᵢ + ·_{i−1})/h².
 * Inputs are three snapshots [t−k, t, t+k] on the same uniform grid (2-D: row-major nx·ny).
 * The returned field is NaN on the boundary rows/columns; maxAbs is over the interior. For an exact
 * solution the residual is pure truncation error and falls like h² (with k ∝ h) — the check of
 * docs/theory.md §e.1 step 3.
 */
export interface Residual {
  values: Float64Array;
  maxAbs: number;
}

type Snapshots = readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];

function finish(values: Float64Array): Residual {
  let m = 0;
  for (const v of values) if (!Number.isNaN(v)) m = Math.max(m, Math.abs(v));
  return { values, maxAbs: m };
}

/** 1-D HJ residual u_t + ½u_x² − νu_xx. */
export function hjResidual1d(u: Snapshots, dt: number, dx: number, nu: number): Residual {
  const [a, b, c] = u;
  const n = b.length;
  const r = new Float64Array(n).fill(NaN);
  for (let i = 1; i < n - 1; i++) {
    const ut = (c[i] - a[i]) / (2 * dt);
    const ux = (b[i + 1] - b[i - 1]) / (2 * dx);
    const uxx = (b[i + 1] - 2 * b[i] + b[i - 1]) / (dx * dx);
    r[i] = ut + 0.5 * ux * ux - nu * uxx;
  }
  return finish(r);
}

/** 1-D Burgers residual p_t + p p_x − νp_xx. */
export function burgersResidual1d(p: Snapshots, dt: number, dx: number, nu: number): Residual {
  const [a, b, c] = p;
  const n = b.length;
  const r = new Float64Array(n).fill(NaN);
  for (let i = 1; i < n - 1; i++) {
    const pt = (c[i] - a[i]) / (2 * dt);
    const px = (b[i + 1] - b[i - 1]) / (2 * dx);
    const pxx = (b[i + 1] - 2 * b[i] + b[i - 1]) / (dx * dx);
    r[i] = pt + b[i] * px - nu * pxx;
  }
  return finish(r);
}

/** Centred ∂x, ∂y and Δ of a row-major field at interior point (i, j). */
function stencil(
  f: ArrayLike<number>,
  i: number,
  j: number,
  ny: number,
  hx: number,
  hy: number,
): [number, number, number] {
  const k = i * ny + j;
  const fx = (f[k + ny] - f[k - ny]) / (2 * hx);
  const fy = (f[k + 1] - f[k - 1]) / (2 * hy);
  const lap = (f[k + ny] - 2 * f[k] + f[k - ny]) / (hx * hx) + (f[k + 1] - 2 * f[k] + f[k - 1]) / (hy * hy);
  return [fx, fy, lap];
}

/** 2-D HJ residual u_t + ½|∇u|² − νΔu. */
export function hjResidual2d(
  u: Snapshots,
  nx: number,
  ny: number,
  dt: number,
  hx: number,
  hy: number,
  nu: number,
): Residual {
  const r = new Float64Array(nx * ny).fill(NaN);
  for (let i = 1; i < nx - 1; i++) {
    for (let j = 1; j < ny - 1; j++) {
      const k = i * ny + j;
      const [ux, uy, lap] = stencil(u[1], i, j, ny, hx, hy);
      r[k] = (u[2][k] - u[0][k]) / (2 * dt) + 0.5 * (ux * ux + uy * uy) - nu * lap;
    }
  }
  return finish(r);
}

/** 2-D vector Burgers residual, component-wise p_t + (p·∇)p − νΔp; returns one residual per component. */
export function burgersResidual2d(
  p1: Snapshots,
  p2: Snapshots,
  nx: number,
  ny: number,
  dt: number,
  hx: number,
  hy: number,
  nu: number,
): [Residual, Residual] {
  const r1 = new Float64Array(nx * ny).fill(NaN);
  const r2 = new Float64Array(nx * ny).fill(NaN);
  for (let i = 1; i < nx - 1; i++) {
    for (let j = 1; j < ny - 1; j++) {
      const k = i * ny + j;
      const a = p1[1][k];
      const b = p2[1][k];
      const [ax, ay, al] = stencil(p1[1], i, j, ny, hx, hy);
      const [bx, by, bl] = stencil(p2[1], i, j, ny, hx, hy);
      r1[k] = (p1[2][k] - p1[0][k]) / (2 * dt) + a * ax + b * ay - nu * al;
      r2[k] = (p2[2][k] - p2[0][k]) / (2 * dt) + a * bx + b * by - nu * bl;
    }
  }
  return [finish(r1), finish(r2)];
}

/** Discrete curl ∂x p2 − ∂y p1 (centred), max over the interior — zero for gradient fields. */
export function curl2d(
  p1: ArrayLike<number>,
  p2: ArrayLike<number>,
  nx: number,
  ny: number,
  hx: number,
  hy: number,
): Residual {
  const r = new Float64Array(nx * ny).fill(NaN);
  for (let i = 1; i < nx - 1; i++) {
    for (let j = 1; j < ny - 1; j++) {
      const k = i * ny + j;
      r[k] = (p2[k + ny] - p2[k - ny]) / (2 * hx) - (p1[k + 1] - p1[k - 1]) / (2 * hy);
    }
  }
  return finish(r);
}
