/**
 * The PDE half of `shocklens verify` (docs/gradient-field.md §verify): on the 2-D quotient slice
 * ℓ(s) = L(θ₀ + s₁d₁ + s₂d₂) of a trained network,
 *
 * - the local entropy u(s, t) and p = ∇u by slice quadrature, all stencils from one table (so the
 *   computed u is itself a finite sum of heat kernels, an exact Cole–Hopf solution, and the finite-
 *   difference residuals of u_t + ½|∇u|² − νΔu and p_t + (p·∇)p − νΔp are pure truncation error,
 *   falling like h²); observed orders over three steps h, several t;
 * - u and ∇u at the slice origin by a second estimator (importance sampling), cross-checked;
 * - the shock-time forecast t̂* = 1/sup(−λ_min ∇²ℓ) over the slice box (curvature of the C² pieces:
 *   autodiff Hessians do not see ReLU kinks) against the observed first crossing of the inviscid
 *   characteristics y + t∇ℓ(y), from gradients on a grid (a concave kink crosses at once);
 * - raw vs quotient forecasts (the raw Hessian moves with the gauge, the quotient one does not).
 */
import { foldIn, type Key } from "../core/random.ts";
import { unravel } from "../core/tree.ts";
import { entropyGrid2d, localEntropy, modelObjective, sliceObjective, type Objective } from "../coarse/index.ts";
import { burgersResidual2d, hjResidual2d, observedOrder, shockTimeNd } from "../pde/index.ts";
import { observe } from "../diagnostics/observables.ts";
import type { FamilySetup } from "./families.ts";

export interface OrderCheck {
  /** |residual| at the finest step. */
  residual: number;
  /** Least-squares slope of log|residual| against log h. */
  order: number;
  h: number[];
  residuals: number[];
}

export interface PdeChecks {
  beta: number;
  nu: number;
  t: number[];
  /** Quadrature nodes of the shared table. */
  tableNodes: number;
  hj: OrderCheck;
  burgers: OrderCheck;
  crossCheck: {
    t: number;
    quadrature: { u: number; uError: number | null; p: number[] };
    /** Error bars are null when importance sampling's own diagnostics withdrew them (see reliability). */
    importance: {
      u: number;
      uStderr: number | null;
      p: number[];
      pStderr: number[] | null;
      ess: number | null;
      reliability: string | null;
    };
    /** Largest |difference|/stderr over u and the components of p; NaN when importance withdrew its error bars. */
    z: number;
  };
  shock: ShockCheck;
}

export interface ShockCheck {
  /** Quotient-slice forecast 1/sup(−λ_min ∇²ℓ) over the box, autodiff Hessians (Infinity when convex there). */
  predicted: number;
  /** The first crossing of the inviscid characteristics y + t∇ℓ(y) on a grid of the box. */
  observed: number;
  observedAt: number[];
  /** The crossing grids. */
  grid: string;
  box: number;
  /** Where −λ_min(∇²ℓ) peaks on the slice. */
  y0: number[];
  /** Raw vs quotient forecasts at the trained parameters and at a random gauge transformation of them. */
  gauge: { rawTStar: [number, number]; quotientTStar: [number, number]; loss: [number, number] };
}

/** Sorted unique values (exact equality: stencil coordinates are computed once and reused). */
function axis(values: number[]): Float64Array {
  return Float64Array.from([...new Set(values)].sort((a, b) => a - b));
}

export function pdeChecks(
  setup: FamilySetup,
  o: { beta: number; t: number[]; hs: number[]; box: number; key: Key; crossingGrid?: number },
): PdeChecks {
  const { problem, theta0, directions } = setup;
  const full = modelObjective(problem.model, problem.template, problem.x, problem.y, problem.loss);
  const obj: Objective = sliceObjective(full, theta0, directions).objective;
  const nu = 1 / (2 * o.beta);
  // Stencils at the slice origin for every h and t, from one table (shared quadrature nodes).
  const st = o.hs.map((h) => [-h, 0, h]);
  const ax = axis(st.flat());
  const tt = o.t.map((t) => o.hs.map((h) => [t - h, t, t + h]));
  const times = [...axis(tt.flat(2))];
  // Any fixed node set gives an exact Cole–Hopf solution, so the residual orders need neither a
  // fine table nor a tight tolerance: a 33² table (spacing ≈ σ/2) suffices. Its window can run
  // out of room on very flat slices; the default cap has room for those.
  let grid = entropyGrid2d(obj, ax, ax, times, o.beta, { tol: 1e-6, maxPoints: 33 * 33 });
  if (grid.truncated !== null) grid = entropyGrid2d(obj, ax, ax, times, o.beta, { tol: 1e-6 });
  const n = ax.length;
  const hjRes = o.hs.map(() => 0);
  const bRes = o.hs.map(() => 0);
  o.hs.forEach((h, hi) => {
    const idx = st[hi].flatMap((x) => st[hi].map((y) => ax.indexOf(x) * n + ax.indexOf(y)));
    tt.forEach((perH) => {
      const ti = perH[hi].map((v) => times.indexOf(v));
      const stencil = (f: (k: number) => Float64Array) =>
        ti.map((k) => Float64Array.from(idx, (i) => f(k)[i])) as unknown as [Float64Array, Float64Array, Float64Array];
      const r = hjResidual2d(
        stencil((k) => grid.u[k]),
        3,
        3,
        h,
        h,
        h,
        nu,
      );
      hjRes[hi] = Math.max(hjRes[hi], Math.abs(r.values[4]));
      const [b1, b2] = burgersResidual2d(
        stencil((k) => grid.p[k][0]),
        stencil((k) => grid.p[k][1]),
        3,
        3,
        h,
        h,
        h,
        nu,
      );
      bRes[hi] = Math.max(bRes[hi], Math.abs(b1.values[4]), Math.abs(b2.values[4]));
    });
  });
  const check = (res: number[]): OrderCheck => {
    const finest = o.hs.indexOf(Math.min(...o.hs));
    return { residual: res[finest], order: observedOrder(o.hs, res), h: [...o.hs], residuals: res };
  };
  const origin = ax.indexOf(0) * n + ax.indexOf(0);
  const t0 = times.indexOf(o.t[0]);
  const quadrature = {
    u: grid.u[t0][origin],
    uError: grid.uError,
    p: [grid.p[t0][0][origin], grid.p[t0][1][origin]],
  };
  return {
    beta: o.beta,
    nu,
    t: [...o.t],
    tableNodes: grid.points,
    hj: check(hjRes),
    burgers: check(bRes),
    crossCheck: crossCheck(obj, o.t[0], o.beta, quadrature, foldIn(o.key, 1)),
    shock: shockCheck(setup, obj, o.box, o.crossingGrid ?? 25, foldIn(o.key, 2)),
  };
}

/** u and ∇u at the slice origin: the table's quadrature against importance sampling. */
function crossCheck(
  obj: Objective,
  t: number,
  beta: number,
  quadrature: { u: number; uError: number | null; p: number[] },
  key: Key,
): PdeChecks["crossCheck"] {
  const i = localEntropy(obj, new Float64Array(2), { method: "importance", t, beta, key, samples: 2048 });
  const se = i.stderr;
  const gse = i.gradStderr;
  const zs =
    se === null || gse === null
      ? [NaN]
      : [
          Math.abs((i.u as number) - quadrature.u) / se,
          ...[0, 1].map((c) => Math.abs(i.grad[c] - quadrature.p[c]) / gse[c]),
        ];
  return {
    t,
    quadrature,
    importance: {
      u: i.u as number,
      uStderr: se,
      p: [...i.grad],
      pStderr: gse === null ? null : [...gse],
      ess: i.ess,
      reliability: i.reliability.reason,
    },
    z: Math.max(...zs),
  };
}

function shockCheck(setup: FamilySetup, obj: Objective, box: number, gridN: number, key: Key): ShockCheck {
  const hess = (y: number[]) => {
    const s = Float64Array.from(y);
    const c1 = obj.hvp!(s, Float64Array.of(1, 0)),
      c2 = obj.hvp!(s, Float64Array.of(0, 1));
    const off = (c1[1] + c2[0]) / 2;
    return [
      [c1[0], off],
      [off, c2[1]],
    ];
  };
  const grad = (y: number[]) => [...obj.valueAndGrad!(Float64Array.from(y)).grad];
  const f = shockTimeNd(
    hess,
    [
      { min: -box, max: box, n: 7 },
      { min: -box, max: box, n: 7 },
    ],
    grad,
  );
  return {
    predicted: f.tStar,
    ...observedCrossing(grad, box, gridN, f.y0),
    box,
    y0: f.y0,
    gauge: gaugeForecasts(setup, key),
  };
}

/**
 * The earliest crossing on an n × n grid of the box and on an 11 × 11 grid of spacing box/(2(n − 1))
 * around the forecast's maximiser y₀ (where the C² forecast expects the first fold; a kink that
 * folds earlier anywhere shows on the box grid).
 */
function observedCrossing(
  grad: (y: number[]) => number[],
  box: number,
  n: number,
  y0: number[],
): { observed: number; observedAt: number[]; grid: string } {
  const global = firstCrossing(grad, [-box, -box], [box, box], n);
  const grid = `${n}² over the box`;
  if (!y0.every(Number.isFinite)) return { ...global, grid };
  const r = (5 * box) / (n - 1);
  const local = firstCrossing(
    grad,
    y0.map((v) => Math.max(-box, v - r)),
    y0.map((v) => Math.min(box, v + r)),
    11,
  );
  const best = local.observed < global.observed ? local : global;
  return { ...best, grid: `${grid} + 11² around y₀` };
}

/**
 * The first time the characteristics x = y + t∇ℓ(y) of the inviscid problem cross (docs/theory.md
 * §b.1–b.2), observed on an n × n grid of the box: each grid triangle (y_a, y_b, y_c) is mapped to
 * (X_a, X_b, X_c); its signed area det[X_b − X_a, X_c − X_a] = det[Δ₁ + tδ₁, Δ₂ + tδ₂] is a
 * quadratic in t, and its first positive root is when that triangle folds over. For C² data the
 * earliest fold → 1/sup(−λ_min ∇²ℓ) as the grid refines; a concave kink of ℓ (ReLU, docs/theory.md
 * §C8) folds at t ≈ h/jump → 0.
 */
function firstCrossing(
  grad: (y: number[]) => number[],
  lo: number[],
  hi: number[],
  n: number,
): { observed: number; observedAt: number[] } {
  const xs = Array.from({ length: n }, (_, i) => lo[0] + ((hi[0] - lo[0]) * i) / (n - 1));
  const ys = Array.from({ length: n }, (_, i) => lo[1] + ((hi[1] - lo[1]) * i) / (n - 1));
  const G = xs.map((a) => ys.map((b) => grad([a, b])));
  let best = Infinity;
  let at = [NaN, NaN];
  const fold = (pa: number[], pb: number[], pc: number[], ga: number[], gb: number[], gc: number[]) => {
    const d1 = [pb[0] - pa[0], pb[1] - pa[1]],
      d2 = [pc[0] - pa[0], pc[1] - pa[1]];
    const e1 = [gb[0] - ga[0], gb[1] - ga[1]],
      e2 = [gc[0] - ga[0], gc[1] - ga[1]];
    // det(d1 + t e1, d2 + t e2) = c0 + c1 t + c2 t²
    const c0 = d1[0] * d2[1] - d1[1] * d2[0];
    const c1 = d1[0] * e2[1] - d1[1] * e2[0] + e1[0] * d2[1] - e1[1] * d2[0];
    const c2 = e1[0] * e2[1] - e1[1] * e2[0];
    let root = Infinity;
    if (Math.abs(c2) < 1e-300) {
      if (c1 !== 0 && -c0 / c1 > 0) root = -c0 / c1;
    } else {
      const disc = c1 * c1 - 4 * c2 * c0;
      if (disc >= 0) {
        const q = -0.5 * (c1 + Math.sign(c1 || 1) * Math.sqrt(disc));
        for (const r of [q / c2, q !== 0 ? c0 / q : Infinity]) if (r > 0 && r < root) root = r;
      }
    }
    if (root < best) {
      best = root;
      at = [(pa[0] + pb[0] + pc[0]) / 3, (pa[1] + pb[1] + pc[1]) / 3];
    }
  };
  for (let i = 0; i + 1 < n; i++)
    for (let j = 0; j + 1 < n; j++) {
      const p = (a: number, b: number) => [xs[a], ys[b]];
      fold(p(i, j), p(i + 1, j), p(i, j + 1), G[i][j], G[i + 1][j], G[i][j + 1]);
      fold(p(i + 1, j + 1), p(i, j + 1), p(i + 1, j), G[i + 1][j + 1], G[i][j + 1], G[i + 1][j]);
    }
  return { observed: best, observedAt: at };
}

/** Raw and quotient t* at θ₀'s trained representative and at a random gauge transformation of it. */
function gaugeForecasts(setup: FamilySetup, key: Key): ShockCheck["gauge"] {
  const { group, problem, config, theta0 } = setup;
  const params = unravel(problem.template, Float64Array.from(theta0));
  const moved = group.act(params, group.randomElement(key, { logRange: 100 }));
  const look = (p: typeof params) =>
    observe(config, p, { x: problem.x, y: problem.y, loss: problem.loss, hessian: { steps: 40 }, breaking: false });
  const a = look(params),
    b = look(moved);
  const rawT = (r: typeof a) => {
    const lm = (r.observables.raw.hessian as { lambdaMin: number }).lambdaMin;
    return lm < 0 ? -1 / lm : Infinity;
  };
  return {
    rawTStar: [rawT(a), rawT(b)],
    quotientTStar: [a.tStar ?? Infinity, b.tStar ?? Infinity],
    loss: [a.loss as number, b.loss as number],
  };
}
