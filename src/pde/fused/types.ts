/**
 * The signatures of the fused stage kernels, which both backends (the TypeScript twins of this
 * folder and the WebAssembly build of assembly/pde.ts, ./wasm.ts) implement, and the kernel set
 * a stepper works with.
 */

/** The arguments every SSP stage takes: out = a·u0 + b·(uin + Δt·L(uin)) over n cells. */
type StageArgs = [
  uin: Float64Array,
  u0: Float64Array,
  out: Float64Array,
  n: number,
  invDx: number,
  dt: number,
  a: number,
  b: number,
];

/** MUSCL (θ = ½) or first-order (θ = 0) L with the Godunov or Rusanov flux; fields ghosted by 2. */
export type MusclStage = (...args: [...StageArgs, theta: number, godunov: boolean]) => void;

/** WENO5 L; fields ghosted by 3. */
export type WenoStage = (...args: StageArgs) => void;

/** One explicit 5-point heat step on the periodic nx×ny grid, u → un. */
export type HeatStep = (u: Float64Array, un: Float64Array, nx: number, ny: number, rx: number, ry: number) => void;

export type FusedKernelName = "wasm-simd" | "typescript";

export interface StageKernels {
  readonly name: FusedKernelName;
  /** Fields of the given lengths that these kernels can work on (one call per stepper). */
  fields(lengths: readonly number[]): Float64Array[];
  /** max |u[start … start+n)|, NaN when any value is NaN. */
  maxAbs(u: Float64Array, start: number, n: number): number;
  musclStage: MusclStage;
  wenoStage: WenoStage;
  heatStep: HeatStep;
}
