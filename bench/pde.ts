/**
 * The PDE workloads of the shared benchmark definitions (workloads.md §6): burgers-muscl,
 * burgers-weno5 and heat2d, with the references' arithmetic (same operations per value, so the
 * checksums agree to rounding), written for V8: every kernel is a plain function over
 * Float64Arrays with number arguments (monomorphic), ghost cells instead of modulo indexing, all
 * buffers allocated once by the workload (nothing allocated inside a step).
 *
 * The per-step loops are fused where that only removes memory traffic: MUSCL computes slope,
 * flux and update in one sweep (carrying the previous slope and flux in registers); WENO5 forms
 * the flux difference inside each RK stage.
 *
 * By default a workload steps with the WebAssembly-SIMD kernels (same operations per value, two
 * cells per instruction) when dist/wasm/pde.wasm is built, and with these TypeScript kernels
 * otherwise (or when asked: `{ wasm: false }`).
 */
import { wasmStencils } from "../src/core/kernels/wasm/pdeWasm.ts";

export interface PdeOptions { wasm?: boolean }

export interface PdeWorkload {
  name: string;
  /** Which kernels run: the WebAssembly-SIMD ones (src/core/kernels/wasm/pdeWasm.ts) or these. */
  kernels: "wasm-simd" | "typescript";
  steps: number;
  cells: number;
  /** Copies the initial field into the working buffers (not timed). */
  reset(): void;
  /** One repetition: `steps` time steps from the reset field. */
  run(): void;
  /** Σ u_final and Σ (u_final − u_initial)², as the references print them. */
  check(): { checksum: number; check2: number };
}

function fillGhosts(u: Float64Array, n: number, g: number): void {
  for (let k = 0; k < g; k++) {
    u[k] = u[n + k];
    u[n + g + k] = u[g + k];
  }
}

function maxAbs(u: Float64Array, start: number, n: number): number {
  let m = 0;
  for (let i = start, e = start + n; i < e; i++) {
    const v = u[i];
    const a = v < 0 ? -v : v;
    if (a > m) m = a;
  }
  return m;
}

function sums(u: Float64Array, off: number, u0: Float64Array): { checksum: number; check2: number } {
  let s = 0, s2 = 0;
  for (let i = 0; i < u0.length; i++) {
    const v = u[off + i];
    const d = v - u0[i];
    s += v;
    s2 += d * d;
  }
  return { checksum: s, check2: s2 };
}

// ---- burgers-muscl ---------------------------------------------------------------------------

const MG = 2;

/** minmod(a, b) = max(min(a, b), 0) + min(max(a, b), 0) of the backward/forward differences at j. */
function slope(u: Float64Array, j: number): number {
  const a = u[j] - u[j - 1], b = u[j + 1] - u[j];
  const lo = a < b ? a : b, hi = a < b ? b : a;
  return (lo > 0 ? lo : 0) + (hi < 0 ? hi : 0);
}

/** Rusanov flux of u²/2 between the reconstructed states uL, uR. */
function rusanov(uL: number, uR: number): number {
  const aL = uL < 0 ? -uL : uL, aR = uR < 0 ? -uR : uR;
  const al = aL > aR ? aL : aR;
  return 0.5 * (0.5 * uL * uL + 0.5 * uR * uR) - 0.5 * al * (uR - uL);
}

/** One MUSCL–minmod–Rusanov forward-Euler step u → un (both ghosted by MG), CFL 0.4. */
export function musclStep(u: Float64Array, un: Float64Array, n: number, dx: number): void {
  fillGhosts(u, n, MG);
  const amax = maxAbs(u, MG, n);
  const dt = 0.4 * dx / amax;
  const lam = dt / dx;
  // Interface j+½ needs slopes s_j, s_{j+1}; the flux of j−½ is carried from the previous cell.
  let sj = slope(u, MG);
  let fPrev = rusanov(u[MG - 1] + 0.5 * slope(u, MG - 1), u[MG] - 0.5 * sj);
  for (let j = MG, e = n + MG; j < e; j++) {
    const uj = u[j], ur = u[j + 1];
    const sr = slope(u, j + 1);
    const f = rusanov(uj + 0.5 * sj, ur - 0.5 * sr);
    un[j] = uj - lam * (f - fPrev);
    fPrev = f;
    sj = sr;
  }
}

export function burgersMuscl(opts: PdeOptions = {}): PdeWorkload {
  const n = 100000, steps = 200;
  const dx = (2 * Math.PI) / n;
  const u0 = new Float64Array(n);
  for (let i = 0; i < n; i++) u0[i] = Math.sin((i + 0.5) * dx) + 0.5;
  const w = opts.wasm === false ? null : wasmStencils();
  const [a, b, F] = w ? w.fields([n + 2 * MG, n + 2 * MG, n + 2 * MG]) : [new Float64Array(n + 2 * MG), new Float64Array(n + 2 * MG), null];
  let u = a;
  return {
    name: "burgers-muscl", kernels: w ? "wasm-simd" : "typescript", steps, cells: n,
    reset: () => { a.set(u0, MG); u = a; },
    run: () => {
      let cur = a, next = b;
      for (let k = 0; k < steps; k++) {
        if (w && F) w.musclStep(cur, next, F, n, dx);
        else musclStep(cur, next, n, dx);
        const t = cur; cur = next; next = t;
      }
      u = cur;
    },
    check: () => sums(u, MG, u0),
  };
}

// ---- burgers-weno5 ---------------------------------------------------------------------------

const WG = 3;
const C13 = 13 / 12;
const C6 = 1 / 6;
const EPS = 1e-6;

/** WENO5-JS value at the interface on the right of v3 (v1..v5 upwind to downwind). */
function weno5(v1: number, v2: number, v3: number, v4: number, v5: number): number {
  const q0 = (2 * v1 - 7 * v2 + 11 * v3) * C6;
  const q1 = (-v2 + 5 * v3 + 2 * v4) * C6;
  const q2 = (2 * v3 + 5 * v4 - v5) * C6;
  const d0 = v1 - 2 * v2 + v3, e0 = v1 - 4 * v2 + 3 * v3;
  const d1 = v2 - 2 * v3 + v4, e1 = v2 - v4;
  const d2 = v3 - 2 * v4 + v5, e2 = 3 * v3 - 4 * v4 + v5;
  const t0 = EPS + (C13 * d0 * d0 + 0.25 * e0 * e0);
  const t1 = EPS + (C13 * d1 * d1 + 0.25 * e1 * e1);
  const t2 = EPS + (C13 * d2 * d2 + 0.25 * e2 * e2);
  const a0 = 0.1 / (t0 * t0), a1 = 0.6 / (t1 * t1), a2 = 0.3 / (t2 * t2);
  return (a0 * q0 + a1 * q1 + a2 * q2) / (a0 + a1 + a2);
}

/**
 * Lax–Friedrichs split fluxes of the ghosted u (ghosts filled here) and the WENO5 numerical
 * flux Fh[j] at interface j+½ for j = WG−1 … n+WG−1. Returns nothing; fp, fm, Fh are scratch.
 */
function wenoFlux(u: Float64Array, fp: Float64Array, fm: Float64Array, Fh: Float64Array, n: number): void {
  fillGhosts(u, n, WG);
  const alpha = maxAbs(u, WG, n);
  for (let j = 0, e = n + 2 * WG; j < e; j++) {
    const v = u[j];
    const f = 0.5 * v * v;
    fp[j] = 0.5 * (f + alpha * v);
    fm[j] = 0.5 * (f - alpha * v);
  }
  for (let j = WG - 1, e = n + WG - 1; j <= e; j++) {
    Fh[j] = weno5(fp[j - 2], fp[j - 1], fp[j], fp[j + 1], fp[j + 2])
      + weno5(fm[j + 3], fm[j + 2], fm[j + 1], fm[j], fm[j - 1]);
  }
}

/** One SSP-RK3 step of u (ghosted by WG) in place; u1, u2, fp, fm, Fh: scratch of the same length. */
export function wenoStep(
  u: Float64Array, u1: Float64Array, u2: Float64Array, fp: Float64Array, fm: Float64Array, Fh: Float64Array,
  n: number, dx: number,
): void {
  const dt = 0.4 * dx / maxAbs(u, WG, n);
  const e = n + WG;
  wenoFlux(u, fp, fm, Fh, n);
  for (let j = WG; j < e; j++) u1[j] = u[j] + dt * (-(Fh[j] - Fh[j - 1]) / dx);
  wenoFlux(u1, fp, fm, Fh, n);
  for (let j = WG; j < e; j++) u2[j] = 0.75 * u[j] + 0.25 * (u1[j] + dt * (-(Fh[j] - Fh[j - 1]) / dx));
  wenoFlux(u2, fp, fm, Fh, n);
  const third = 1 / 3, twoThirds = 2 / 3;
  for (let j = WG; j < e; j++) u[j] = third * u[j] + twoThirds * (u2[j] + dt * (-(Fh[j] - Fh[j - 1]) / dx));
}

export function burgersWeno5(opts: PdeOptions = {}): PdeWorkload {
  const n = 100000, steps = 50;
  const dx = (2 * Math.PI) / n;
  const len = n + 2 * WG;
  const u0 = new Float64Array(n);
  for (let i = 0; i < n; i++) u0[i] = Math.sin((i + 0.5) * dx) + 0.5;
  const w = opts.wasm === false ? null : wasmStencils();
  const [u, u1, u2, fp, fm, Fh] = w
    ? w.fields([len, len, len, len, len, len])
    : Array.from({ length: 6 }, () => new Float64Array(len));
  return {
    name: "burgers-weno5", kernels: w ? "wasm-simd" : "typescript", steps, cells: n,
    reset: () => u.set(u0, WG),
    run: () => {
      if (w) for (let k = 0; k < steps; k++) w.wenoStep(u, u1, u2, fp, fm, Fh, n, dx);
      else for (let k = 0; k < steps; k++) wenoStep(u, u1, u2, fp, fm, Fh, n, dx);
    },
    check: () => sums(u, WG, u0),
  };
}

// ---- heat2d ----------------------------------------------------------------------------------

/** One explicit 5-point step on the periodic n×n grid, u → un (row-major, no ghosts). */
export function heatStep(u: Float64Array, un: Float64Array, n: number, r: number): void {
  for (let i = 0; i < n; i++) {
    const up = ((i + n - 1) % n) * n, uc = i * n, dn = ((i + 1) % n) * n;
    un[uc] = u[uc] + r * (u[up] + u[dn] + u[uc + n - 1] + u[uc + 1] - 4 * u[uc]);
    for (let j = 1; j < n - 1; j++) {
      const c = u[uc + j];
      un[uc + j] = c + r * (u[up + j] + u[dn + j] + u[uc + j - 1] + u[uc + j + 1] - 4 * c);
    }
    const l = n - 1;
    un[uc + l] = u[uc + l] + r * (u[up + l] + u[dn + l] + u[uc + l - 1] + u[uc] - 4 * u[uc + l]);
  }
}

export function heat2d(opts: PdeOptions = {}): PdeWorkload {
  const n = 512, steps = 200, r = 0.2;
  const h = (2 * Math.PI) / n;
  const cells = n * n;
  const u0 = new Float64Array(cells);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = i * h, y = j * h;
      u0[i * n + j] = 1 + Math.sin(x) * Math.cos(2 * y) + 0.1 * Math.sin(37 * x + 11 * y);
    }
  }
  const w = opts.wasm === false ? null : wasmStencils();
  const [a, b] = w ? w.fields([cells, cells]) : [new Float64Array(cells), new Float64Array(cells)];
  let u = a;
  return {
    name: "heat2d", kernels: w ? "wasm-simd" : "typescript", steps, cells,
    reset: () => { a.set(u0); u = a; },
    run: () => {
      let cur = a, next = b;
      for (let k = 0; k < steps; k++) {
        if (w) w.heatStep(cur, next, n, r);
        else heatStep(cur, next, n, r);
        const t = cur; cur = next; next = t;
      }
      u = cur;
    },
    check: () => sums(u, 0, u0),
  };
}

export const PDE_WORKLOADS: Record<string, (opts?: PdeOptions) => PdeWorkload> = {
  "burgers-muscl": burgersMuscl,
  "burgers-weno5": burgersWeno5,
  "heat2d": heat2d,
};
