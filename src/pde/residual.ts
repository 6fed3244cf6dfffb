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

/** A residual evaluated at the interior points 1 … n−2 (NaN on the boundary). */
function interior1d(n: number, at: (i: number) => number): Residual {
  const r = new Float64Array(n).fill(NaN);
  for (let i = 1; i < n - 1; i++) r[i] = at(i);
  return finish(r);
}

/** A residual evaluated at the interior points of a row-major nx×ny grid (NaN on the boundary). */
function interior2d(nx: number, ny: number, at: (i: number, j: number, k: number) => number): Residual {
  const r = new Float64Array(nx * ny).fill(NaN);
  for (let i = 1; i < nx - 1; i++) for (let j = 1; j < ny - 1; j++) r[i * ny + j] = at(i, j, i * ny + j);
  return finish(r);
}

/** Centred f_t, f_x and f_xx of three 1-D snapshots at interior point i. */
function derivs1d(f: Snapshots, i: number, dt: number, dx: number): [number, number, number] {
  const [a, b, c] = f;
  return [(c[i] - a[i]) / (2 * dt), (b[i + 1] - b[i - 1]) / (2 * dx), (b[i + 1] - 2 * b[i] + b[i - 1]) / (dx * dx)];
}

/** 1-D HJ residual u_t + ½u_x² − νu_xx. */
export function hjResidual1d(u: Snapshots, dt: number, dx: number, nu: number): Residual {
  return interior1d(u[1].length, (i) => {
    const [ut, ux, uxx] = derivs1d(u, i, dt, dx);
    return ut + 0.5 * ux * ux - nu * uxx;
  });
}

/** 1-D Burgers residual p_t + p p_x − νp_xx. */
export function burgersResidual1d(p: Snapshots, dt: number, dx: number, nu: number): Residual {
  return interior1d(p[1].length, (i) => {
    const [pt, px, pxx] = derivs1d(p, i, dt, dx);
    return pt + p[1][i] * px - nu * pxx;
  });
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

/** The grid and steps of a 2-D residual: nx×ny points, time step dt, spacings hx, hy, viscosity ν. */
type Steps2d = [nx: number, ny: number, dt: number, hx: number, hy: number, nu: number];

/** 2-D HJ residual u_t + ½|∇u|² − νΔu. */
export function hjResidual2d(u: Snapshots, ...[nx, ny, dt, hx, hy, nu]: Steps2d): Residual {
  return interior2d(nx, ny, (i, j, k) => {
    const [ux, uy, lap] = stencil(u[1], i, j, ny, hx, hy);
    return (u[2][k] - u[0][k]) / (2 * dt) + 0.5 * (ux * ux + uy * uy) - nu * lap;
  });
}

/** 2-D vector Burgers residual, component-wise p_t + (p·∇)p − νΔp; returns one residual per component. */
export function burgersResidual2d(
  p1: Snapshots,
  p2: Snapshots,
  ...[nx, ny, dt, hx, hy, nu]: Steps2d
): [Residual, Residual] {
  const component = (q: Snapshots) =>
    interior2d(nx, ny, (i, j, k) => {
      const [qx, qy, ql] = stencil(q[1], i, j, ny, hx, hy);
      return (q[2][k] - q[0][k]) / (2 * dt) + p1[1][k] * qx + p2[1][k] * qy - nu * ql;
    });
  return [component(p1), component(p2)];
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
  return interior2d(nx, ny, (_i, _j, k) => (p2[k + ny] - p2[k - ny]) / (2 * hx) - (p1[k + 1] - p1[k - 1]) / (2 * hy));
}
