// WebAssembly-SIMD stencil kernels of shocklens (AssemblyScript, compiled by
// scripts/build-wasm.mjs): the fused SSP Runge–Kutta stages of periodic inviscid 1-D Burgers
// (MUSCL–minmod or first order with the Rusanov or Godunov flux; WENO5-JS with global
// Lax–Friedrichs splitting) and the explicit 5-point step of the 2-D heat equation. The library
// (src/pde/fused) drives them; its TypeScript twins there are the same arithmetic, scalar.
//
// A stage writes   out = a·u0 + b·(uin + dt·L(uin)),   L(u)ᵢ = (F_{i−½} − F_{i+½})/Δx,
// which covers forward Euler and every stage of SSP-RK2/RK3 (a = 0: u0 is not read). L is formed
// on the fly in one sweep, two cells per f64x2 instruction: MUSCL carries states, fluxes and their
// difference in registers; WENO5 goes block by block through an L1-sized scratch. Every value gets
// the operations of the scalar code in the same order, so results equal the generic solver's to
// rounding. Time step and coefficients come from the caller (its clock picks dt from maxAbs).
//
// Pointers are byte offsets into this module's memory. 1-D fields carry `g` ghost cells on each
// side (cell i at index i + g), filled by the caller before each stage. `out` may be `u0` (each
// index is read before it is written) but never `uin`. No allocation; the only state is WENO5's
// block scratch, in the module's static data (below the caller's fields).

// ---- helpers ---------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline function vld(p: usize, i: i32): v128 { return v128.load(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function vst(p: usize, i: i32, v: v128): void { v128.store(p + (<usize>i << 3), v); }
/** (x₁, y₀): the pair one lane to the right of x. */
// @ts-ignore: decorator
@inline function next(x: v128, y: v128): v128 { return f64x2.shuffle(x, y, 1, 2); }

/**
 * max_i |u[start + i]| over n values, NaN when any of them is NaN, so that a state that blew up
 * gives a NaN time step and the caller's clock stops with an error instead of stepping on.
 * (f64x2.max propagates NaN but costs V8 a long instruction sequence: pmax on two accumulators
 * plus a NaN flag is five times faster.)
 */
export function maxAbs(u: usize, start: i32, n: i32): f64 {
  let m0 = f64x2.splat(0.0), m1 = f64x2.splat(0.0), nan = f64x2.splat(0.0);
  let i: i32 = 0;
  for (; i + 3 < n; i += 4) {
    const a = vld(u, start + i), b = vld(u, start + i + 2);
    m0 = f64x2.pmax(m0, f64x2.abs(a));
    m1 = f64x2.pmax(m1, f64x2.abs(b));
    nan = v128.or(nan, v128.or(f64x2.ne(a, a), f64x2.ne(b, b)));
  }
  let r = max(max(f64x2.extract_lane(m0, 0), f64x2.extract_lane(m0, 1)), max(f64x2.extract_lane(m1, 0), f64x2.extract_lane(m1, 1)));
  for (; i < n; i++) r = max(r, abs(ld(u, start + i)));
  return v128.any_true(nan) ? NaN : r;
}

// ---- Burgers: MUSCL / first order ------------------------------------------------------------

// minmod(a, b) = (lo > 0 ? lo : 0) + (hi < 0 ? hi : 0), lo = min(a, b), hi = max(a, b): the limiter
// of src/pde/reconstruction/muscl.ts (pmin/pmax are exactly these selections).
// @ts-ignore: decorator
@inline function minmodS(a: f64, b: f64): f64 {
  const lo = a < b ? a : b, hi = a < b ? b : a;
  return (lo > 0.0 ? lo : 0.0) + (hi < 0.0 ? hi : 0.0);
}
// @ts-ignore: decorator
@inline function minmodV(a: v128, b: v128): v128 {
  const zero = f64x2.splat(0.0);
  return f64x2.add(f64x2.pmax(zero, f64x2.pmin(b, a)), f64x2.pmin(zero, f64x2.pmax(a, b)));
}

// Rusanov: ½(f(uL) + f(uR)) − ½·max(|uL|, |uR|)·(uR − uL), f = u²/2 (src/pde/fluxes/rusanov.ts).
// @ts-ignore: decorator
@inline function rusanovS(uL: f64, uR: f64): f64 {
  const aL = abs(uL), aR = abs(uR);
  const al = aL > aR ? aL : aR;
  return 0.5 * (0.5 * uL * uL + 0.5 * uR * uR) - 0.5 * al * (uR - uL);
}
// @ts-ignore: decorator
@inline function rusanovV(uL: v128, uR: v128): v128 {
  const half = f64x2.splat(0.5);
  const al = f64x2.pmax(f64x2.abs(uR), f64x2.abs(uL));
  const q = f64x2.add(f64x2.mul(f64x2.mul(half, uL), uL), f64x2.mul(f64x2.mul(half, uR), uR));
  return f64x2.sub(f64x2.mul(half, q), f64x2.mul(f64x2.mul(half, al), f64x2.sub(uR, uL)));
}

// Godunov: f at the exact Riemann solution on the interface (src/pde/fluxes/godunov.ts): a shock
// (uL > uR) is upwinded by the sign of s = ½(uL + uR) (s = 0: uL); otherwise the fan gives
// uL if uL ≥ 0, uR if uR ≤ 0, and the sonic point 0 in between.
// @ts-ignore: decorator
@inline function godunovS(uL: f64, uR: f64): f64 {
  const v = uL > uR ? (0.5 * (uL + uR) >= 0.0 ? uL : uR) : uL >= 0.0 ? uL : uR <= 0.0 ? uR : 0.0;
  return 0.5 * v * v;
}
// @ts-ignore: decorator
@inline function godunovV(uL: v128, uR: v128): v128 {
  const zero = f64x2.splat(0.0), half = f64x2.splat(0.5);
  const shock = v128.bitselect(uL, uR, f64x2.ge(f64x2.mul(half, f64x2.add(uL, uR)), zero));
  const fan = v128.bitselect(uL, v128.bitselect(uR, zero, f64x2.le(uR, zero)), f64x2.ge(uL, zero));
  const v = v128.bitselect(shock, fan, f64x2.gt(uL, uR));
  return f64x2.mul(f64x2.mul(half, v), v);
}

/** F_{j+½} from cells j−1 … j+2: slopes σ_j, σ_{j+1}, states u_j + θσ_j and u_{j+1} − θσ_{j+1}. */
// @ts-ignore: decorator
@inline function musclFluxS(um: f64, u0: f64, u1: f64, u2: f64, theta: f64, godunov: bool): f64 {
  const uL = u0 + theta * minmodS(u0 - um, u1 - u0);
  const uR = u1 - theta * minmodS(u1 - u0, u2 - u1);
  return godunov ? godunovS(uL, uR) : rusanovS(uL, uR);
}

// One sweep; `godunov` and `useU0` are literals at each call site, so each of the four copies
// is compiled without the branches.
// @ts-ignore: decorator
@inline function musclSweep(
  uin: usize, u0: usize, out: usize, n: i32, invDx: f64, dt: f64, a: f64, b: f64, theta: f64,
  godunov: bool, useU0: bool,
): void {
  const g = 2, e = n + g;
  const th = f64x2.splat(theta), iv = f64x2.splat(invDx), dtv = f64x2.splat(dt);
  const av = f64x2.splat(a), bv = f64x2.splat(b);
  // lane 1 of Fp: the flux at the left face of the pair being updated; S: the pair's slopes
  let Fp = f64x2.splat(musclFluxS(ld(uin, g - 2), ld(uin, g - 1), ld(uin, g), ld(uin, g + 1), theta, godunov));
  let uc = vld(uin, g);
  let S = minmodV(f64x2.sub(uc, vld(uin, g - 1)), f64x2.sub(vld(uin, g + 1), uc));
  let i: i32 = g;
  // each slope once: the next pair's (σ_{i+2}, σ_{i+3}) gives the right states' σ_{i+2} by a shuffle
  // (it reads u_{i+4}, hence one pair less than the cells allow; the tail is scalar)
  for (; i + 2 < e; i += 2) {
    const u1 = vld(uin, i + 1), u2 = vld(uin, i + 2);
    const S2 = minmodV(f64x2.sub(u2, u1), f64x2.sub(vld(uin, i + 3), u2));
    const uL = f64x2.add(uc, f64x2.mul(th, S));
    const uR = f64x2.sub(u1, f64x2.mul(th, next(S, S2)));
    const F = godunov ? godunovV(uL, uR) : rusanovV(uL, uR);
    const r = f64x2.add(uc, f64x2.mul(dtv, f64x2.mul(f64x2.sub(next(Fp, F), F), iv)));
    vst(out, i, useU0 ? f64x2.add(f64x2.mul(av, vld(u0, i)), f64x2.mul(bv, r)) : f64x2.mul(bv, r));
    Fp = F;
    uc = u2;
    S = S2;
  }
  let fl = f64x2.extract_lane(Fp, 1);
  for (; i < e; i++) {
    const c = ld(uin, i);
    const fr = musclFluxS(ld(uin, i - 1), c, ld(uin, i + 1), ld(uin, i + 2), theta, godunov);
    const r = c + dt * ((fl - fr) * invDx);
    st(out, i, useU0 ? a * ld(u0, i) + b * r : b * r);
    fl = fr;
  }
}

/**
 * One MUSCL stage on fields ghosted by 2 (length n + 4): slopes minmod, interface states
 * u ± θσ (θ = ½: MUSCL; θ = 0: first order), flux Rusanov (godunov = 0) or Godunov (1).
 */
export function musclStage(
  uin: usize, u0: usize, out: usize, n: i32, invDx: f64, dt: f64, a: f64, b: f64, theta: f64, godunov: i32,
): void {
  if (godunov != 0) {
    if (a != 0.0) musclSweep(uin, u0, out, n, invDx, dt, a, b, theta, true, true);
    else musclSweep(uin, u0, out, n, invDx, dt, a, b, theta, true, false);
  } else {
    if (a != 0.0) musclSweep(uin, u0, out, n, invDx, dt, a, b, theta, false, true);
    else musclSweep(uin, u0, out, n, invDx, dt, a, b, theta, false, false);
  }
}

// ---- Burgers: WENO5 --------------------------------------------------------------------------

const C13: f64 = 13.0 / 12.0;
const C6: f64 = 1.0 / 6.0;
const EPS: f64 = 1e-6;

// WENO5-JS value at the face downwind of v3 (src/pde/reconstruction/weno5.ts). Deliberate twin:
// weno5() of the C reference solver bench/reference/pde_reference.c writes the same arithmetic
// again, independently: `npm run bench` times shocklens against it and compares the checksums.
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

// The sweep runs over blocks of WB cells: f± of the block (and its 3 + 3 neighbours), then its
// WB + 1 face fluxes, then its WB updates, all through a scratch area in this module's own memory
// below the fields (3·(WB + 8) values, L1-resident). Carrying the ten split-flux vectors of a face
// in registers instead measured 10–15 % slower: together with the WENO constants they exceed the
// 16 vector registers and spill. The kernels never call out, so one scratch area serves all.
const WB: i32 = 512;
const SCRATCH: usize = memory.data(3 * (WB + 8) * 8, 16);

// @ts-ignore: decorator
@inline function wenoSweep(uin: usize, u0: usize, out: usize, n: i32, invDx: f64, dt: f64, a: f64, b: f64, useU0: bool): void {
  const g = 3, e = n + g;
  const alpha = maxAbs(uin, g, n);
  const half = f64x2.splat(0.5), al = f64x2.splat(alpha);
  const iv = f64x2.splat(invDx), dtv = f64x2.splat(dt), av = f64x2.splat(a), bv = f64x2.splat(b);
  const fp = SCRATCH, fm = SCRATCH + <usize>((WB + 8) << 3), fh = SCRATCH + <usize>((2 * (WB + 8)) << 3);
  for (let i0: i32 = g; i0 < e; i0 += WB) {
    // block-local index k = padded index − base: cells of the block at k = 3 … m + 2
    const m = min(WB, e - i0), base = i0 - g, cnt = m + 2 * g;
    let k: i32 = 0;
    for (; k + 1 < cnt; k += 2) {
      const v = vld(uin, base + k);
      const f = f64x2.mul(f64x2.mul(half, v), v);
      vst(fp, k, f64x2.mul(half, f64x2.add(f, f64x2.mul(al, v))));
      vst(fm, k, f64x2.mul(half, f64x2.sub(f, f64x2.mul(al, v))));
    }
    for (; k < cnt; k++) {
      const v = ld(uin, base + k), f = 0.5 * v * v;
      st(fp, k, 0.5 * (f + alpha * v));
      st(fm, k, 0.5 * (f - alpha * v));
    }
    // F̂ at the right face of local cell k, k = 2 … m + 2
    for (k = 2; k + 1 <= m + 2; k += 2) {
      const p = weno5V(vld(fp, k - 2), vld(fp, k - 1), vld(fp, k), vld(fp, k + 1), vld(fp, k + 2));
      const q = weno5V(vld(fm, k + 3), vld(fm, k + 2), vld(fm, k + 1), vld(fm, k), vld(fm, k - 1));
      vst(fh, k, f64x2.add(p, q));
    }
    for (; k <= m + 2; k++) {
      st(fh, k, weno5S(ld(fp, k - 2), ld(fp, k - 1), ld(fp, k), ld(fp, k + 1), ld(fp, k + 2))
        + weno5S(ld(fm, k + 3), ld(fm, k + 2), ld(fm, k + 1), ld(fm, k), ld(fm, k - 1)));
    }
    for (k = g; k + 1 < m + g; k += 2) {
      const r = f64x2.add(vld(uin, base + k), f64x2.mul(dtv, f64x2.mul(f64x2.sub(vld(fh, k - 1), vld(fh, k)), iv)));
      vst(out, base + k, useU0 ? f64x2.add(f64x2.mul(av, vld(u0, base + k)), f64x2.mul(bv, r)) : f64x2.mul(bv, r));
    }
    for (; k < m + g; k++) {
      const r = ld(uin, base + k) + dt * ((ld(fh, k - 1) - ld(fh, k)) * invDx);
      st(out, base + k, useU0 ? a * ld(u0, base + k) + b * r : b * r);
    }
  }
}

/**
 * One WENO5 stage on fields ghosted by 3 (length n + 6): α = max|uin| (global Lax–Friedrichs,
 * recomputed per stage), F̂ = W(f⁺ upwind) + W(f⁻ downwind) at each face.
 */
export function wenoStage(uin: usize, u0: usize, out: usize, n: i32, invDx: f64, dt: f64, a: f64, b: f64): void {
  if (a != 0.0) wenoSweep(uin, u0, out, n, invDx, dt, a, b, true);
  else wenoSweep(uin, u0, out, n, invDx, dt, a, b, false);
}

// ---- heat ------------------------------------------------------------------------------------

/**
 * One explicit 5-point step of u_t = νΔu on the periodic nx×ny grid (row-major, no ghosts, ny ≥ 2):
 * u' = c0·u + rx·(u[i−1,j] + u[i+1,j]) + ry·(u[i,j−1] + u[i,j+1]), c0 = 1 − 2rx − 2ry,
 * rx = νΔt/Δx², ry = νΔt/Δy². un must not be u.
 */
export function heatStep(u: usize, un: usize, nx: i32, ny: i32, rx: f64, ry: f64): void {
  const c0 = 1.0 - 2.0 * (rx + ry);
  const cv = f64x2.splat(c0), xv = f64x2.splat(rx), yv = f64x2.splat(ry);
  const l = ny - 1;
  for (let i: i32 = 0; i < nx; i++) {
    const up = u + (<usize>((i == 0 ? nx - 1 : i - 1) * ny) << 3);
    const uc = u + (<usize>(i * ny) << 3);
    const dn = u + (<usize>((i == nx - 1 ? 0 : i + 1) * ny) << 3);
    const o = un + (<usize>(i * ny) << 3);
    st(o, 0, c0 * ld(uc, 0) + rx * (ld(up, 0) + ld(dn, 0)) + ry * (ld(uc, l) + ld(uc, 1)));
    let j: i32 = 1;
    for (; j + 1 < l; j += 2) {
      const s = f64x2.add(f64x2.mul(cv, vld(uc, j)), f64x2.mul(xv, f64x2.add(vld(up, j), vld(dn, j))));
      vst(o, j, f64x2.add(s, f64x2.mul(yv, f64x2.add(vld(uc, j - 1), vld(uc, j + 1)))));
    }
    for (; j < l; j++) st(o, j, c0 * ld(uc, j) + rx * (ld(up, j) + ld(dn, j)) + ry * (ld(uc, j - 1) + ld(uc, j + 1)));
    st(o, l, c0 * ld(uc, l) + rx * (ld(up, l) + ld(dn, l)) + ry * (ld(uc, l - 1) + ld(uc, 0)));
  }
}
