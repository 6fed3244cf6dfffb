/**
 * The PDE workloads of the benchmark definitions (docs/performance.md §pde-workloads), run on the library's
 * own steppers, so the benchmark times what users run:
 *
 *   burgers-muscl  burgers1dStepper: muscl (minmod) + rusanov flux + forward Euler, CFL 0.4
 *   burgers-weno5  burgers1dStepper: weno5 + SSP-RK3, CFL 0.4
 *   heat2d         heat2dStepper: ν = 1, Δt = 0.2·h² (r = 0.2)
 *
 * A repetition resets the field (untimed) and takes the workload's number of steps; a step
 * allocates nothing. The steppers run their fused kernels: WebAssembly-SIMD when pde.wasm is
 * built, TypeScript otherwise or when asked (`{ wasm: false }`).
 */
import {
  burgers1dStepper,
  heat2dStepper,
  makeGrid,
  makeGrid2d,
  type Burgers1dStepperOptions,
} from "../src/pde/index.ts";

export interface PdeOptions {
  wasm?: boolean;
}

export interface PdeWorkload {
  name: string;
  /** Which kernels run: the WebAssembly-SIMD ones or their TypeScript twins (src/pde/fused). */
  kernels: "wasm-simd" | "typescript";
  steps: number;
  cells: number;
  /** Copies the initial field into the stepper's state (not timed). */
  reset(): void;
  /** One repetition: `steps` time steps from the reset field. */
  run(): void;
  /** Σ u_final and Σ (u_final − u_initial)², as the references print them. */
  check(): { checksum: number; check2: number };
}

function sums(u: Float64Array, u0: Float64Array): { checksum: number; check2: number } {
  let s = 0,
    s2 = 0;
  for (let i = 0; i < u0.length; i++) {
    const v = u[i];
    const d = v - u0[i];
    s += v;
    s2 += d * d;
  }
  return { checksum: s, check2: s2 };
}

function fused(kernels: string, name: string): "wasm-simd" | "typescript" {
  if (kernels !== "wasm-simd" && kernels !== "typescript")
    throw new Error(`${name}: ran on the ${kernels} path, not a fused kernel`);
  return kernels;
}

/** N = 10⁵ cells on [0, 2π), point values u0 = sin x + ½ at the centres (i + ½)Δx. */
function burgers1d(
  name: string,
  steps: number,
  scheme: Omit<Burgers1dStepperOptions, "grid">,
  opts: PdeOptions,
): PdeWorkload {
  const n = 100000;
  const grid = makeGrid(0, 2 * Math.PI, n);
  const u0 = grid.x.map((x) => Math.sin(x) + 0.5);
  const s = burgers1dStepper({ grid, ...scheme, cfl: 0.4, kernels: opts.wasm === false ? "typescript" : "auto" });
  return {
    name,
    kernels: fused(s.kernels, name),
    steps,
    cells: n,
    reset: () => s.state.set(u0),
    run: () => {
      for (let k = 0; k < steps; k++) s.step();
    },
    check: () => sums(s.state, u0),
  };
}

export function burgersMuscl(opts: PdeOptions = {}): PdeWorkload {
  return burgers1d("burgers-muscl", 200, { scheme: "muscl", flux: "rusanov", stepper: "euler" }, opts);
}

export function burgersWeno5(opts: PdeOptions = {}): PdeWorkload {
  return burgers1d("burgers-weno5", 50, { scheme: "weno5", stepper: "ssprk3" }, opts);
}

/** 512² periodic grid, h = 2π/512, u0 = 1 + sin x cos 2y + 0.1 sin(37x + 11y) at x_i = i·h, y_j = j·h. */
export function heat2d(opts: PdeOptions = {}): PdeWorkload {
  const n = 512,
    steps = 200;
  const grid = makeGrid2d(0, 2 * Math.PI, n, 0, 2 * Math.PI, n);
  const h = grid.x.dx;
  const u0 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = i * h,
        y = j * h;
      u0[i * n + j] = 1 + Math.sin(x) * Math.cos(2 * y) + 0.1 * Math.sin(37 * x + 11 * y);
    }
  }
  const s = heat2dStepper({ grid, nu: 1, dt: 0.2 * h * h, kernels: opts.wasm === false ? "typescript" : "auto" });
  return {
    name: "heat2d",
    kernels: s.kernels,
    steps,
    cells: n * n,
    reset: () => s.state.set(u0),
    run: () => {
      for (let k = 0; k < steps; k++) s.step();
    },
    check: () => sums(s.state, u0),
  };
}

export const PDE_WORKLOADS: Record<string, (opts?: PdeOptions) => PdeWorkload> = {
  "burgers-muscl": burgersMuscl,
  "burgers-weno5": burgersWeno5,
  heat2d: heat2d,
};
