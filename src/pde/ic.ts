/**
 * Named initial data (docs/pde.md §conventions), paired so that the Burgers datum is the derivative of the
 * HJ datum (p₀ = u₀'):
 *   sine                 Burgers sin x              HJ −cos x
 *   riemann:UL,UR[,X0]   Burgers UL (x<X0), UR      HJ UL(x−X0) (x<X0), UR(x−X0)   X0 = domain middle
 *   cubic                Burgers x³ − x             HJ x⁴/4 − x²/2
 *   doublewell           Burgers x³ − x             HJ (x² − 1)²/4
 * Burgers states are exact cell averages (GL5 per cell, split at X0); HJ states are centre values.
 * Arrays, and file:U.npy (a 1-D float64 .npy of one value per cell), are used as given. `extendedData` gives the HJ datum on all of
 * ℝ for the exact solvers: the periodic extension of its restriction to [a, b] for periodic
 * boundaries, otherwise the analytic formula (arrays: piecewise-linear, extrapolated linearly).
 */
import { InputError } from "../errors.ts";
import { toFloat64 } from "../io/ndarray.ts";
import { readNpy } from "../io/npy.ts";
import type { BoundaryCondition, Grid1D } from "./grid.ts";
import { cellAverages, centreValues } from "./quadrature.ts";
import { finiteArray } from "../validate.ts";

export type Equation = "burgers" | "hj";

export type IcSpec =
  | { kind: "sine" }
  | { kind: "cubic" }
  | { kind: "doublewell" }
  | { kind: "riemann"; uL: number; uR: number; x0?: number };

/** A name ("sine", "riemann:1,0,0.5", …), a spec object, a function of x, or values per cell. */
export type IcInput = string | IcSpec | ((x: number) => number) | ArrayLike<number>;

export const IC_NAMES: readonly string[] = ["sine", "riemann:UL,UR[,X0]", "cubic", "doublewell"];

export function parseIc(s: string): IcSpec {
  if (s === "sine" || s === "cubic" || s === "doublewell") return { kind: s };
  const m = /^riemann:(.*)$/.exec(s);
  if (m) {
    const parts = m[1].split(",");
    const nums = parts.map((v) => (v.trim() === "" ? NaN : Number(v)));
    if ((parts.length !== 2 && parts.length !== 3) || nums.some((v) => !Number.isFinite(v))) {
      throw new InputError(`ic: expected riemann:UL,UR[,X0] with finite numbers, got ${JSON.stringify(s)}`, {
        field: "ic",
      });
    }
    return { kind: "riemann", uL: nums[0], uR: nums[1], x0: nums[2] };
  }
  throw new InputError(
    `ic: expected one of sine, riemann:UL,UR[,X0], cubic, doublewell, file:U.npy, got ${JSON.stringify(s)}`,
    { field: "ic" },
  );
}

interface Analytic {
  f: (x: number) => number;
  df: (x: number) => number;
  breakpoints: number[];
}

function analytic(spec: IcSpec, eq: Equation, grid: Grid1D): Analytic {
  switch (spec.kind) {
    case "sine":
      return eq === "burgers"
        ? { f: Math.sin, df: Math.cos, breakpoints: [] }
        : { f: (x) => -Math.cos(x), df: Math.sin, breakpoints: [] };
    case "cubic":
    case "doublewell": {
      if (eq === "burgers") return { f: (x) => x * x * x - x, df: (x) => 3 * x * x - 1, breakpoints: [] };
      const c = spec.kind === "doublewell" ? 0.25 : 0;
      return { f: (x) => 0.25 * x * x * x * x - 0.5 * x * x + c, df: (x) => x * x * x - x, breakpoints: [] };
    }
    case "riemann": {
      const { uL, uR } = spec;
      const x0 = spec.x0 ?? 0.5 * (grid.a + grid.b);
      if (!Number.isFinite(uL) || !Number.isFinite(uR) || !Number.isFinite(x0))
        throw new InputError("ic: riemann states must be finite", { field: "ic" });
      return eq === "burgers"
        ? { f: (x) => (x < x0 ? uL : uR), df: () => 0, breakpoints: [x0] }
        : { f: (x) => (x < x0 ? uL : uR) * (x - x0), df: (x) => (x < x0 ? uL : uR), breakpoints: [x0] };
    }
  }
}

function normalise(ic: IcInput, grid: Grid1D): IcSpec | ((x: number) => number) | ArrayLike<number> {
  if (typeof ic !== "string") return ic;
  return ic.startsWith("file:") ? readIcFile(ic.slice("file:".length), grid.n) : parseIc(ic);
}

/** The values per cell of file:PATH, a 1-D .npy of n finite values; errors name the file. */
function readIcFile(path: string, n: number): Float64Array {
  if (path === "") throw new InputError('ic: expected file:U.npy with a path, got "file:"', { field: "ic" });
  const arr = readNpy(path);
  if (arr.shape.length !== 1 || arr.shape[0] !== n)
    throw new InputError(
      `ic ${path}: expected a 1-D array of ${n} values (one per cell), got shape [${arr.shape.join(", ")}]`,
      { field: "ic" },
    );
  const data = toFloat64(arr);
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new InputError(`ic ${path}: expected finite values, got ${data[bad]} at index ${bad}`, { field: "ic" });
  return data;
}

function isArrayLike(v: unknown): v is ArrayLike<number> {
  return typeof v === "object" && v !== null && typeof (v as ArrayLike<number>).length === "number";
}

/**
 * Initial state on the grid: by default Burgers cell averages and HJ centre values; `values`
 * overrides ("point" for finite-difference WENO5). Arrays are used as given.
 */
export function initialState(
  ic: IcInput,
  eq: Equation,
  grid: Grid1D,
  values: "average" | "point" = eq === "burgers" ? "average" : "point",
): Float64Array {
  const v = normalise(ic, grid);
  if (isArrayLike(v)) {
    if (v.length !== grid.n)
      throw new InputError(`ic: expected ${grid.n} values (one per cell), got ${v.length}`, { field: "ic" });
    finiteArray(v, "ic");
    return Float64Array.from(v);
  }
  const a = typeof v === "function" ? { f: v, breakpoints: [] } : analytic(v, eq, grid);
  return values === "average" ? cellAverages(a.f, grid, a.breakpoints) : centreValues(a.f, grid);
}

/** The HJ datum on ℝ (and its derivative when known) for Hopf–Lax / Cole–Hopf. */
export function extendedData(
  ic: IcInput,
  grid: Grid1D,
  bc: BoundaryCondition,
): { f: (y: number) => number; df?: (y: number) => number } {
  const v = normalise(ic, grid);
  const L = grid.b - grid.a;
  const wrap = (y: number): number => grid.a + ((((y - grid.a) % L) + L) % L);
  if (isArrayLike(v)) {
    const u = initialState(v, "hj", grid);
    const f = (y: number): number => {
      const n = u.length;
      if (n === 1) return u[0];
      const s = ((bc === "periodic" ? wrap(y) : y) - grid.x[0]) / grid.dx;
      let i = Math.floor(s);
      if (bc === "periodic") {
        const w = s - i;
        const i0 = ((i % n) + n) % n;
        return (1 - w) * u[i0] + w * u[(i0 + 1) % n];
      }
      i = Math.min(Math.max(i, 0), n - 2);
      const w = s - i;
      return (1 - w) * u[i] + w * u[i + 1];
    };
    return { f };
  }
  const a = typeof v === "function" ? { f: v, df: undefined } : analytic(v, "hj", grid);
  if (bc === "periodic") return { f: (y) => a.f(wrap(y)), df: a.df ? (y) => a.df!(wrap(y)) : undefined };
  return { f: a.f, df: a.df };
}
