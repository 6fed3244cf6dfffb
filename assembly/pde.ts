// WebAssembly-SIMD stencil kernels of shocklens (AssemblyScript, compiled by
// scripts/build-wasm.mjs): periodic 1-D Burgers steps (MUSCL–minmod–Rusanov forward Euler,
// WENO5-JS with global Lax–Friedrichs splitting and SSP-RK3) and the explicit 2-D heat step.
//
// Every kernel evaluates the same operations per value as the C reference of the shared
// benchmark (bench workloads.md §6), two cells at a time in f64x2 lanes; only the evaluation
// order across cells changes, so results agree with the scalar code to rounding. The min/max
// selections use pmin/pmax, which are exactly C's `a < b ? a : b` forms. Pointers are byte
// offsets into this module's memory; 1-D fields carry `g` ghost cells on each side (cell i at
// index i + g). No allocation, no global state.

// ---- helpers ---------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline function vld(p: usize, i: i32): v128 { return v128.load(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function vst(p: usize, i: i32, v: v128): void { v128.store(p + (<usize>i << 3), v); }

/** Periodic ghosts: cell k − g ≡ cell n + k − g, cell n + k ≡ cell k. */
export function fillGhosts(u: usize, n: i32, g: i32): void {
  for (let k: i32 = 0; k < g; k++) {
    st(u, k, ld(u, n + k));
    st(u, n + g + k, ld(u, g + k));
  }
}

/** max_i |u[start + i]| over n values. */
export function maxAbs(u: usize, start: i32, n: i32): f64 {
  let m = f64x2.splat(0.0);
  let i: i32 = 0;
  for (; i + 1 < n; i += 2) m = f64x2.pmax(m, f64x2.abs(vld(u, start + i)));
  let r = max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  for (; i < n; i++) {
    const a = abs(ld(u, start + i));
    if (a > r) r = a;
  }
  return r;
}

// ---- burgers-muscl ---------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function minmodS(a: f64, b: f64): f64 {
  const lo = a < b ? a : b, hi = a < b ? b : a;
  return (lo > 0.0 ? lo : 0.0) + (hi < 0.0 ? hi : 0.0);
}

// @ts-ignore: decorator
@inline function rusanovS(uL: f64, uR: f64): f64 {
  const aL = abs(uL), aR = abs(uR);
  const al = aL > aR ? aL : aR;
  return 0.5 * (0.5 * uL * uL + 0.5 * uR * uR) - 0.5 * al * (uR - uL);
}

/** Flux at interface j+½ (scalar). */
// @ts-ignore: decorator
@inline function musclFluxS(u: usize, j: i32): f64 {
  const um = ld(u, j - 1), u0 = ld(u, j), u1 = ld(u, j + 1), u2 = ld(u, j + 2);
  const sL = minmodS(u0 - um, u1 - u0), sR = minmodS(u1 - u0, u2 - u1);
  return rusanovS(u0 + 0.5 * sL, u1 - 0.5 * sR);
}

/**
 * One MUSCL–minmod–Rusanov forward-Euler step, CFL 0.4: u → un, both ghosted by 2; F is scratch
 * of n + 4 values (the interface fluxes).
 */
export function musclStep(u: usize, un: usize, F: usize, n: i32, dx: f64): void {
  const g = 2;
  fillGhosts(u, n, g);
  const amax = maxAbs(u, g, n);
  const dt = 0.4 * dx / amax;
  const lam = dt / dx;
  const zero = f64x2.splat(0.0), half = f64x2.splat(0.5);
  // F[j] = flux at j+½ for j = 1 … n+1.
  let j: i32 = 1;
  for (; j + 1 <= n + 1; j += 2) {
    const um = vld(u, j - 1), u0 = vld(u, j), u1 = vld(u, j + 1), u2 = vld(u, j + 2);
    const a = f64x2.sub(u0, um), b = f64x2.sub(u1, u0), c = f64x2.sub(u2, u1);
    // minmod(a, b) = (lo > 0 ? lo : 0) + (hi < 0 ? hi : 0) with lo = a < b ? a : b, hi = a < b ? b : a
    const sL = f64x2.add(f64x2.pmax(zero, f64x2.pmin(b, a)), f64x2.pmin(zero, f64x2.pmax(a, b)));
    const sR = f64x2.add(f64x2.pmax(zero, f64x2.pmin(c, b)), f64x2.pmin(zero, f64x2.pmax(b, c)));
    const uL = f64x2.add(u0, f64x2.mul(half, sL));
    const uR = f64x2.sub(u1, f64x2.mul(half, sR));
    const al = f64x2.pmax(f64x2.abs(uR), f64x2.abs(uL));
    const q = f64x2.add(f64x2.mul(f64x2.mul(half, uL), uL), f64x2.mul(f64x2.mul(half, uR), uR));
    vst(F, j, f64x2.sub(f64x2.mul(half, q), f64x2.mul(f64x2.mul(half, al), f64x2.sub(uR, uL))));
  }
  for (; j <= n + 1; j++) st(F, j, musclFluxS(u, j));
  const lv = f64x2.splat(lam);
  let i: i32 = g;
  for (; i + 1 < n + g; i += 2) vst(un, i, f64x2.sub(vld(u, i), f64x2.mul(lv, f64x2.sub(vld(F, i), vld(F, i - 1)))));
  for (; i < n + g; i++) st(un, i, ld(u, i) - lam * (ld(F, i) - ld(F, i - 1)));
}

// ---- burgers-weno5 ---------------------------------------------------------------------------

const C13: f64 = 13.0 / 12.0;
const C6: f64 = 1.0 / 6.0;
const EPS: f64 = 1e-6;

// @ts-ignore: decorator
@inline function weno5S(v1: f64, v2: f64, v3: f64, v4: f64, v5: f64): f64 {
  const q0 = (2.0 * v1 - 7.0 * v2 + 11.0 * v3) * C6;
  const q1 = (-v2 + 5.0 * v3 + 2.0 * v4) * C6;
  const q2 = (2.0 * v3 + 5.0 * v4 - v5) * C6;
  const d0 = v1 - 2.0 * v2 + v3, e0 = v1 - 4.0 * v2 + 3.0 * v3;
  const d1 = v2 - 2.0 * v3 + v4, e1 = v2 - v4;
  const d2 = v3 - 2.0 * v4 + v5, e2 = 3.0 * v3 - 4.0 * v4 + v5;
  const t0 = EPS + (C13 * d0 * d0 + 0.25 * e0 * e0);
  const t1 = EPS + (C13 * d1 * d1 + 0.25 * e1 * e1);
  const t2 = EPS + (C13 * d2 * d2 + 0.25 * e2 * e2);
  const a0 = 0.1 / (t0 * t0), a1 = 0.6 / (t1 * t1), a2 = 0.3 / (t2 * t2);
  return (a0 * q0 + a1 * q1 + a2 * q2) / (a0 + a1 + a2);
}

// @ts-ignore: decorator
@inline function weno5V(v1: v128, v2: v128, v3: v128, v4: v128, v5: v128): v128 {
  const two = f64x2.splat(2.0), three = f64x2.splat(3.0), four = f64x2.splat(4.0), five = f64x2.splat(5.0);
  const c6 = f64x2.splat(C6), c13 = f64x2.splat(C13), qu = f64x2.splat(0.25), eps = f64x2.splat(EPS);
  const q0 = f64x2.mul(f64x2.add(f64x2.sub(f64x2.mul(two, v1), f64x2.mul(f64x2.splat(7.0), v2)), f64x2.mul(f64x2.splat(11.0), v3)), c6);
  const q1 = f64x2.mul(f64x2.add(f64x2.add(f64x2.neg(v2), f64x2.mul(five, v3)), f64x2.mul(two, v4)), c6);
  const q2 = f64x2.mul(f64x2.sub(f64x2.add(f64x2.mul(two, v3), f64x2.mul(five, v4)), v5), c6);
  const d0 = f64x2.add(f64x2.sub(v1, f64x2.mul(two, v2)), v3);
  const e0 = f64x2.add(f64x2.sub(v1, f64x2.mul(four, v2)), f64x2.mul(three, v3));
  const d1 = f64x2.add(f64x2.sub(v2, f64x2.mul(two, v3)), v4);
  const e1 = f64x2.sub(v2, v4);
  const d2 = f64x2.add(f64x2.sub(v3, f64x2.mul(two, v4)), v5);
  const e2 = f64x2.add(f64x2.sub(f64x2.mul(three, v3), f64x2.mul(four, v4)), v5);
  const t0 = f64x2.add(eps, f64x2.add(f64x2.mul(f64x2.mul(c13, d0), d0), f64x2.mul(f64x2.mul(qu, e0), e0)));
  const t1 = f64x2.add(eps, f64x2.add(f64x2.mul(f64x2.mul(c13, d1), d1), f64x2.mul(f64x2.mul(qu, e1), e1)));
  const t2 = f64x2.add(eps, f64x2.add(f64x2.mul(f64x2.mul(c13, d2), d2), f64x2.mul(f64x2.mul(qu, e2), e2)));
  const a0 = f64x2.div(f64x2.splat(0.1), f64x2.mul(t0, t0));
  const a1 = f64x2.div(f64x2.splat(0.6), f64x2.mul(t1, t1));
  const a2 = f64x2.div(f64x2.splat(0.3), f64x2.mul(t2, t2));
  const num = f64x2.add(f64x2.add(f64x2.mul(a0, q0), f64x2.mul(a1, q1)), f64x2.mul(a2, q2));
  return f64x2.div(num, f64x2.add(f64x2.add(a0, a1), a2));
}

/**
 * WENO5 numerical flux of the ghosted u (3 ghosts, filled here): Fh[j] at interface j+½ for
 * j = 2 … n+2, from the Lax–Friedrichs split fluxes fp, fm (scratch, n + 6 values each).
 */
export function wenoFlux(u: usize, fp: usize, fm: usize, Fh: usize, n: i32): void {
  const g = 3;
  fillGhosts(u, n, g);
  const alpha = maxAbs(u, g, n);
  const len = n + 2 * g;
  const half = f64x2.splat(0.5), av = f64x2.splat(alpha);
  let j: i32 = 0;
  for (; j + 1 < len; j += 2) {
    const v = vld(u, j);
    const f = f64x2.mul(f64x2.mul(half, v), v);
    vst(fp, j, f64x2.mul(half, f64x2.add(f, f64x2.mul(av, v))));
    vst(fm, j, f64x2.mul(half, f64x2.sub(f, f64x2.mul(av, v))));
  }
  for (; j < len; j++) {
    const v = ld(u, j);
    const f = 0.5 * v * v;
    st(fp, j, 0.5 * (f + alpha * v));
    st(fm, j, 0.5 * (f - alpha * v));
  }
  j = g - 1;
  for (; j + 1 <= n + g - 1; j += 2) {
    const p = weno5V(vld(fp, j - 2), vld(fp, j - 1), vld(fp, j), vld(fp, j + 1), vld(fp, j + 2));
    const m = weno5V(vld(fm, j + 3), vld(fm, j + 2), vld(fm, j + 1), vld(fm, j), vld(fm, j - 1));
    vst(Fh, j, f64x2.add(p, m));
  }
  for (; j <= n + g - 1; j++) {
    st(Fh, j, weno5S(ld(fp, j - 2), ld(fp, j - 1), ld(fp, j), ld(fp, j + 1), ld(fp, j + 2))
      + weno5S(ld(fm, j + 3), ld(fm, j + 2), ld(fm, j + 1), ld(fm, j), ld(fm, j - 1)));
  }
}

/**
 * One SSP-RK3 (Shu–Osher) step of u in place, dt = 0.4·dx/max|u|: u1, u2, fp, fm, Fh are scratch
 * of n + 6 values; L(u)_j = −(Fh_{j+½} − Fh_{j−½})/dx is formed inside each stage update.
 */
export function wenoStep(u: usize, u1: usize, u2: usize, fp: usize, fm: usize, Fh: usize, n: i32, dx: f64): void {
  const g = 3;
  const e = n + g;
  const dt = 0.4 * dx / maxAbs(u, g, n);
  const dtv = f64x2.splat(dt), dxv = f64x2.splat(dx);
  const c34 = f64x2.splat(0.75), c14 = f64x2.splat(0.25);
  const third: f64 = 1.0 / 3.0, twoThirds: f64 = 2.0 / 3.0;
  const c13 = f64x2.splat(third), c23 = f64x2.splat(twoThirds);
  let j: i32;
  wenoFlux(u, fp, fm, Fh, n);
  for (j = g; j + 1 < e; j += 2) {
    const L = f64x2.div(f64x2.neg(f64x2.sub(vld(Fh, j), vld(Fh, j - 1))), dxv);
    vst(u1, j, f64x2.add(vld(u, j), f64x2.mul(dtv, L)));
  }
  for (; j < e; j++) st(u1, j, ld(u, j) + dt * (-(ld(Fh, j) - ld(Fh, j - 1)) / dx));
  wenoFlux(u1, fp, fm, Fh, n);
  for (j = g; j + 1 < e; j += 2) {
    const L = f64x2.div(f64x2.neg(f64x2.sub(vld(Fh, j), vld(Fh, j - 1))), dxv);
    vst(u2, j, f64x2.add(f64x2.mul(c34, vld(u, j)), f64x2.mul(c14, f64x2.add(vld(u1, j), f64x2.mul(dtv, L)))));
  }
  for (; j < e; j++) st(u2, j, 0.75 * ld(u, j) + 0.25 * (ld(u1, j) + dt * (-(ld(Fh, j) - ld(Fh, j - 1)) / dx)));
  wenoFlux(u2, fp, fm, Fh, n);
  for (j = g; j + 1 < e; j += 2) {
    const L = f64x2.div(f64x2.neg(f64x2.sub(vld(Fh, j), vld(Fh, j - 1))), dxv);
    vst(u, j, f64x2.add(f64x2.mul(c13, vld(u, j)), f64x2.mul(c23, f64x2.add(vld(u2, j), f64x2.mul(dtv, L)))));
  }
  for (; j < e; j++) st(u, j, third * ld(u, j) + twoThirds * (ld(u2, j) + dt * (-(ld(Fh, j) - ld(Fh, j - 1)) / dx)));
}

// ---- heat2d ----------------------------------------------------------------------------------

/** One explicit 5-point step on the periodic n×n grid (row-major, no ghosts): u → un. */
export function heatStep(u: usize, un: usize, n: i32, r: f64): void {
  const rv = f64x2.splat(r), four = f64x2.splat(4.0);
  for (let i: i32 = 0; i < n; i++) {
    const up = u + (<usize>(((i + n - 1) % n) * n) << 3);
    const uc = u + (<usize>(i * n) << 3);
    const dn = u + (<usize>(((i + 1) % n) * n) << 3);
    const o = un + (<usize>(i * n) << 3);
    const l = n - 1;
    st(o, 0, ld(uc, 0) + r * (ld(up, 0) + ld(dn, 0) + ld(uc, l) + ld(uc, 1) - 4.0 * ld(uc, 0)));
    let j: i32 = 1;
    for (; j + 1 < l; j += 2) {
      const c = vld(uc, j);
      const s = f64x2.sub(f64x2.add(f64x2.add(f64x2.add(vld(up, j), vld(dn, j)), vld(uc, j - 1)), vld(uc, j + 1)), f64x2.mul(four, c));
      vst(o, j, f64x2.add(c, f64x2.mul(rv, s)));
    }
    for (; j < l; j++) {
      const c = ld(uc, j);
      st(o, j, c + r * (ld(up, j) + ld(dn, j) + ld(uc, j - 1) + ld(uc, j + 1) - 4.0 * c));
    }
    st(o, l, ld(uc, l) + r * (ld(up, l) + ld(dn, l) + ld(uc, l - 1) + ld(uc, 0) - 4.0 * ld(uc, l)));
  }
}
