/**
 * Fused WENO5 stage (TypeScript twin of wenoStage in assembly/pde.ts):
 *
 *   out = a·u0 + b·(uin + Δt·L(uin)),   L(u)ᵢ = (F̂_{i−½} − F̂_{i+½})/Δx,
 *
 * F̂_{j+½} = W(f⁺_{j−2} … f⁺_{j+2}) + W(f⁻_{j+3} … f⁻_{j−1}), f± = ½(f(u) ± αu), α = max|uin|
 * (global Lax–Friedrichs, per stage), W the WENO5-JS reconstruction of reconstruction/weno5.ts.
 * One sweep over blocks of WB cells: f± of the block (plus 3 + 3 neighbours), its WB + 1 face
 * fluxes, its WB updates, through a scratch small enough to stay in L1, so no field-sized flux
 * array is written and read back. Each block is a call of wenoBlock: a short function called
 * often is optimised by V8 with complete type feedback (see musclStage in muscl.ts).
 *
 * Fields are ghosted by 3; `out` may be `u0` but not `uin`; a = 0 does not read u0.
 */
import { maxAbsRange } from "./maxAbs.ts";
import { weno5 } from "../reconstruction/weno5.ts";
import type { WenoStage } from "./types.ts";

export const WENO_GHOST = 3;

const WB = 512;
// The block scratch: f⁺, f⁻ and F̂ of one block. The kernel never calls out, so one serves all.
// (Passed to wenoBlock as arguments: V8 keeps those in registers, module bindings it reloads.)
const scratchP = new Float64Array(WB + 8);
const scratchM = new Float64Array(WB + 8);
const scratchF = new Float64Array(WB + 8);

export const wenoStage: WenoStage = (uin, u0, out, n, invDx, dt, a, b) => {
  const alpha = maxAbsRange(uin, WENO_GHOST, n);
  const e = n + WENO_GHOST;
  for (let i0 = WENO_GHOST; i0 < e; i0 += WB) {
    wenoBlock(
      uin,
      u0,
      out,
      i0 - WENO_GHOST,
      Math.min(WB, e - i0),
      invDx,
      dt,
      a,
      b,
      alpha,
      scratchP,
      scratchM,
      scratchF,
    );
  }
};

/** The m cells at padded indices base + 3 … base + m + 2 (block-local k = index − base). */
function wenoBlock(
  uin: Float64Array,
  u0: Float64Array,
  out: Float64Array,
  base: number,
  m: number,
  invDx: number,
  dt: number,
  a: number,
  b: number,
  alpha: number,
  fp: Float64Array,
  fm: Float64Array,
  fh: Float64Array,
): void {
  for (let k = 0; k < m + 6; k++) {
    const v = uin[base + k],
      f = 0.5 * v * v;
    fp[k] = 0.5 * (f + alpha * v);
    fm[k] = 0.5 * (f - alpha * v);
  }
  // F̂ at the right face of local cell k
  for (let k = 2; k <= m + 2; k++) {
    fh[k] =
      weno5(fp[k - 2], fp[k - 1], fp[k], fp[k + 1], fp[k + 2]) +
      weno5(fm[k + 3], fm[k + 2], fm[k + 1], fm[k], fm[k - 1]);
  }
  for (let k = 3; k < m + 3; k++) {
    const v = uin[base + k] + dt * ((fh[k - 1] - fh[k]) * invDx);
    out[base + k] = a === 0 ? b * v : a * u0[base + k] + b * v;
  }
}
