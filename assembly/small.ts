// WebAssembly-SIMD kernels for the small products of batch-of-one gradients (a 2-32-32-1
// network's x·Wᵀ, g·W and gᵀ·h), compiled by scripts/build-wasm.mjs to dist/wasm/small.wasm.
// V8's scalar loops over typed arrays cost about 1 ns per multiply-add or store here; these f64x2
// loops, including copying the operands in and the result out, take 0.3–0.5 of that for 32×32.
//
// Operands are f64 arrays at byte offsets in this module's memory (16-byte aligned), row-major.
// Rounding may differ from the plain-TypeScript kernel in the last bits (different grouping of
// the sums), as between any two GEMM backends.

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline function vld(p: usize, i: i32): v128 { return v128.load(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function vst(p: usize, i: i32, v: v128): void { v128.store(p + (<usize>i << 3), v); }

/** c[i·n + j] = a[i]·b[j] (m×n outer product). */
export function outer(m: i32, n: i32, a: usize, b: usize, c: usize): void {
  for (let i: i32 = 0; i < m; i++) {
    const s = ld(a, i);
    const x = f64x2.splat(s);
    const ci = i * n;
    let j: i32 = 0;
    // c rows start at i·n doubles: aligned for even n; v128.store tolerates the odd case.
    for (; j + 1 < n; j += 2) vst(c, ci + j, f64x2.mul(x, vld(b, j)));
    for (; j < n; j++) st(c, ci + j, s * ld(b, j));
  }
}

/** c[j] = Σ_p a[p]·B[p·n + j] (row vector times a k×n matrix). */
export function vecmat(n: i32, k: i32, a: usize, b: usize, c: usize): void {
  let j: i32 = 0;
  for (; j + 3 < n; j += 4) {
    let s0 = f64x2.splat(0.0), s1 = f64x2.splat(0.0);
    for (let p: i32 = 0; p < k; p++) {
      const x = f64x2.splat(ld(a, p));
      const r = p * n + j;
      s0 = f64x2.add(s0, f64x2.mul(x, vld(b, r)));
      s1 = f64x2.add(s1, f64x2.mul(x, vld(b, r + 2)));
    }
    vst(c, j, s0);
    vst(c, j + 2, s1);
  }
  for (; j < n; j++) {
    let s: f64 = 0.0;
    for (let p: i32 = 0; p < k; p++) s += ld(a, p) * ld(b, p * n + j);
    st(c, j, s);
  }
}

/**
 * c[j] = Σ_p a[p]·B[j·k + p] (row vector times the transpose of an n×k matrix: x·Wᵀ). Rows of B
 * and a are both contiguous in p, so each output is a dot product of two contiguous vectors,
 * summed in two lanes (even and odd p) that are added at the end — four rows at a time.
 */
export function vecmatT(n: i32, k: i32, a: usize, b: usize, c: usize): void {
  const k2 = k & ~1;
  let j: i32 = 0;
  for (; j + 3 < n; j += 4) {
    let s0 = f64x2.splat(0.0), s1 = f64x2.splat(0.0), s2 = f64x2.splat(0.0), s3 = f64x2.splat(0.0);
    const r0 = j * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
    for (let p: i32 = 0; p < k2; p += 2) {
      const x = vld(a, p);
      s0 = f64x2.add(s0, f64x2.mul(x, vld(b, r0 + p)));
      s1 = f64x2.add(s1, f64x2.mul(x, vld(b, r1 + p)));
      s2 = f64x2.add(s2, f64x2.mul(x, vld(b, r2 + p)));
      s3 = f64x2.add(s3, f64x2.mul(x, vld(b, r3 + p)));
    }
    let t0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
    let t1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
    let t2 = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
    let t3 = f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1);
    if (k2 < k) {
      const x = ld(a, k2);
      t0 += x * ld(b, r0 + k2); t1 += x * ld(b, r1 + k2); t2 += x * ld(b, r2 + k2); t3 += x * ld(b, r3 + k2);
    }
    st(c, j, t0); st(c, j + 1, t1); st(c, j + 2, t2); st(c, j + 3, t3);
  }
  for (; j < n; j++) {
    let s: f64 = 0.0;
    const r = j * k;
    for (let p: i32 = 0; p < k; p++) s += ld(a, p) * ld(b, r + p);
    st(c, j, s);
  }
}
