/**
 * Fused MUSCL stage (TypeScript twin of musclStage in assembly/pde.ts):
 *
 *   out = a·u0 + b·(uin + Δt·L(uin)),   L(u)ᵢ = (F_{i−½} − F_{i+½})/Δx,
 *
 * with F from the states u_j + θσ_j | u_{j+1} − θσ_{j+1}, σ = minmod of the one-sided differences
 * (θ = ½: MUSCL–minmod; θ = 0: first order) fed to the Rusanov or Godunov flux. One sweep over the
 * cells: the right cell's slope and the face flux are carried to the next cell in registers, so
 * each slope and each flux is evaluated once (once more per chunk) and nothing is stored but
 * `out`. The fluxes are the library's own (fluxes/), the limiter that of reconstruction/muscl.ts
 * in the WebAssembly kernel's form, so the arithmetic is that of the method-of-lines path
 * (spatial.ts + timestep.ts) value for value.
 *
 * Fields are ghosted by 2 (cell i at index i + 2, ghosts filled by the caller); `out` may be `u0`
 * but not `uin`; a = 0 does not read u0.
 */
import { godunovFlux } from "../fluxes/godunov.ts";
import { rusanovFlux } from "../fluxes/rusanov.ts";
import type { MusclStage } from "./types.ts";

export const MUSCL_GHOST = 2;

/**
 * minmod as the SIMD kernel evaluates it (pmin/pmax are these selections): the value of
 * reconstruction/muscl.ts's max(min(a, b), 0) + min(max(a, b), 0) for every non-NaN input, run
 * by V8 about 1.5× faster than Math.min/Math.max with their NaN and −0 rules. (A NaN difference
 * gives a finite slope here; the NaN state still reaches the flux.)
 */
function minmod(a: number, b: number): number {
  const lo = a < b ? a : b,
    hi = a < b ? b : a;
  return (lo > 0 ? lo : 0) + (hi < 0 ? hi : 0);
}

/** Cells per call of the sweep (see musclStage). */
const CHUNK = 1024;

/**
 * The sweep runs in chunks through musclSweep, which recomputes its first face flux (the same
 * value the previous chunk ended with). A short function called often gets optimised by V8 with
 * complete type feedback; one long first call would run on on-stack-replacement code, measured
 * 2–3× slower.
 */
export const musclStage: MusclStage = (uin, u0, out, n, invDx, dt, a, b, theta, godunov) => {
  const e = n + MUSCL_GHOST;
  for (let j0 = MUSCL_GHOST; j0 < e; j0 += CHUNK) {
    musclSweep(uin, u0, out, Math.min(j0 + CHUNK, e), invDx, dt, a, b, theta, godunov, j0);
  }
};

/**
 * Cells j0 … j1−1 (the stage's arguments, with n read as the end index j1 and the start j0
 * appended): the right cell's slope and the face flux are carried to the next cell.
 */
type Sweep = (...args: [...Parameters<MusclStage>, j0: number]) => void;
const musclSweep: Sweep = (uin, u0, out, j1, invDx, dt, a, b, theta, godunov, j0) => {
  let sj = minmod(uin[j0] - uin[j0 - 1], uin[j0 + 1] - uin[j0]);
  const uL = uin[j0 - 1] + theta * minmod(uin[j0 - 1] - uin[j0 - 2], uin[j0] - uin[j0 - 1]),
    uR = uin[j0] - theta * sj;
  let fl = godunov ? godunovFlux(uL, uR) : rusanovFlux(uL, uR);
  for (let j = j0; j < j1; j++) {
    const c = uin[j],
      r = uin[j + 1];
    const sr = minmod(r - c, uin[j + 2] - r);
    // a branch, not a flux-valued variable: both call sites stay monomorphic and get inlined
    const fr = godunov ? godunovFlux(c + theta * sj, r - theta * sr) : rusanovFlux(c + theta * sj, r - theta * sr);
    const v = c + dt * ((fl - fr) * invDx);
    out[j] = a === 0 ? b * v : a * u0[j] + b * v;
    fl = fr;
    sj = sr;
  }
};
