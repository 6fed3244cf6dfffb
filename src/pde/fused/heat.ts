/**
 * One explicit 5-point step of u_t = νΔu on the periodic nx×ny grid (row-major u[i·ny + j], no
 * ghosts; ny ≥ 2), u → un (un must not be u) — the TypeScript twin of heatStep in assembly/pde.ts,
 * same operations in the same order:
 *
 *   u'ᵢⱼ = c0·uᵢⱼ + rx·(u_{i−1,j} + u_{i+1,j}) + ry·(u_{i,j−1} + u_{i,j+1}),   c0 = 1 − 2rx − 2ry.
 *
 * The periodic wrap is resolved once per row (neighbour rows) and by peeling the first and last
 * column, so the inner loop has no modulo. Each row is a call of heatRow: a short function called
 * often is optimised by V8 with complete type feedback (see musclStage in muscl.ts).
 */
import type { HeatStep } from "./types.ts";

export const heatStep: HeatStep = (u, un, nx, ny, rx, ry) => {
  const c0 = 1 - 2 * (rx + ry);
  for (let i = 0; i < nx; i++) {
    heatRow(u, un, (i === 0 ? nx - 1 : i - 1) * ny, i * ny, (i === nx - 1 ? 0 : i + 1) * ny, ny, c0, rx, ry);
  }
};

/** Row starting at uc, with the rows above (up) and below (dn). */
function heatRow(
  u: Float64Array,
  un: Float64Array,
  up: number,
  uc: number,
  dn: number,
  ny: number,
  c0: number,
  rx: number,
  ry: number,
): void {
  const l = ny - 1;
  un[uc] = c0 * u[uc] + rx * (u[up] + u[dn]) + ry * (u[uc + l] + u[uc + 1]);
  for (let j = 1; j < l; j++) {
    un[uc + j] = c0 * u[uc + j] + rx * (u[up + j] + u[dn + j]) + ry * (u[uc + j - 1] + u[uc + j + 1]);
  }
  un[uc + l] = c0 * u[uc + l] + rx * (u[up + l] + u[dn + l]) + ry * (u[uc + l - 1] + u[uc]);
}
