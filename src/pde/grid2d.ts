/**
 * 2-D tensor grids and line access. Fields are row-major: u[i·ny + j] at (x_i, y_j), i along x
 * (axis 0), j along y (axis 1) — the layout of the heat2d benchmark. A line operator works on
 * contiguous copies of rows/columns, so every 1-D scheme applies dimension by dimension.
 */
import { type Grid1D, makeGrid } from "./grid.ts";

export interface Grid2D {
  readonly x: Grid1D;
  readonly y: Grid1D;
}

export function makeGrid2d(ax: number, bx: number, nx: number, ay: number, by: number, ny: number): Grid2D {
  return { x: makeGrid(ax, bx, nx), y: makeGrid(ay, by, ny) };
}

/** f(x_i, y_j) at the centres, row-major. */
export function sample2d(grid: Grid2D, f: (x: number, y: number) => number): Float64Array {
  const { x, y } = grid;
  const out = new Float64Array(x.n * y.n);
  for (let i = 0; i < x.n; i++) for (let j = 0; j < y.n; j++) out[i * y.n + j] = f(x.x[i], y.x[j]);
  return out;
}

/** Copies line `line` along `axis` (0: fixed j = line, i varies; 1: fixed i = line) into `buf`. */
export function getLine(u: Float64Array, nx: number, ny: number, axis: 0 | 1, line: number, buf: Float64Array): void {
  if (axis === 0) for (let i = 0; i < nx; i++) buf[i] = u[i * ny + line];
  else for (let j = 0; j < ny; j++) buf[j] = u[line * ny + j];
}

/** out[line along axis] += buf (or = buf when `add` is false). */
export function putLine(
  out: Float64Array,
  nx: number,
  ny: number,
  axis: 0 | 1,
  line: number,
  buf: Float64Array,
  add: boolean,
): void {
  if (axis === 0) {
    for (let i = 0; i < nx; i++) out[i * ny + line] = (add ? out[i * ny + line] : 0) + buf[i];
  } else {
    for (let j = 0; j < ny; j++) out[line * ny + j] = (add ? out[line * ny + j] : 0) + buf[j];
  }
}
