// WebAssembly SIMD GEMM kernels of shocklens (AssemblyScript, compiled by scripts/build-wasm.mjs).
//
// C = op(A) · op(B) (+ C when `accumulate`), row-major, op = identity or transpose, with the
// transposes folded into the packing (no transposed copy is ever made). BLIS-style loop nest:
//
//   for jc in n by NC:  for pc in k by KC:  pack B(pc:pc+kc, jc:jc+nc) into NR-wide panels
//     for ic in m by MC:  pack A(ic:ic+mc, pc:pc+kc) into MR-tall panels
//       for jr, ir:  MR×NR register-blocked micro-kernel over kc
//
// float64 only, in a 4×4 micro-kernel (8 f64x2 accumulators). Every pointer is a byte offset into
// the (possibly shared) linear memory; the caller owns all of it, including the packing scratch
// (`packA`: MC·KC elements, `packB`: KC·NC elements, `tile`: one MR×NR tile), so several threads
// can run over one shared memory with scratch of their own. No allocation, no globals written:
// the module is reentrant.
//
// The one source builds two modules: with relaxed SIMD enabled (ASC_FEATURE_RELAXED_SIMD) the
// micro-kernels multiply-add with relaxed_madd, a fused FMA where the CPU has one; without it,
// with a separate mul and add. Everything else is shared.
//
// Register budget: V8 (x64) allocates 15 xmm registers and hoists every load of a loop body above
// its arithmetic, so a micro-kernel step holds all its loaded operands and its accumulators at
// once. The 4×4 step needs 2 B vectors + 4 A splats + 8 accumulators = 14 (the separate add needs
// one more for the product): it fits, where unrolling k by two (12 loads) or a 6×4 tile (12
// accumulators + 8 loads) spill and run at half the speed. A 3×6 tile (9 accumulators, 15
// registers) measured the same as 4×4 with FMA: 8 independent accumulators already cover the
// FMA latency of both pipes. V8 unrolls the k loop itself.

// Blocking (elements). KC·MR·8 B (an A panel) and KC·NR·8 B (a B panel) stay in L1; the MC×KC
// A block (256 KiB) in L2; the KC×NC B block in L3.
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 2048;
const MR: i32 = 4;
const NR: i32 = 4;

// 1 in the relaxed-SIMD build: the loader reports the variant and checks that build's results.
export const RELAXED_SIMD: i32 = ASC_FEATURE_RELAXED_SIMD ? 1 : 0;

// a·b + c per lane: fused (relaxed_madd) in the relaxed-SIMD build, mul then add otherwise.
// @ts-ignore: decorator
@inline
function madd64(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

// Packs rows [i0, i0+mc) × cols [p0, p0+kc) of op(A) into ceil(mc/MR) panels; panel q holds
// op(A)[i0 + q·MR + r, p0 + p] at dst[(q·kc + p)·MR + r], zero-padded past mc.
function packA64(dst: usize, a: usize, lda: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32): void {
  for (let i: i32 = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const panel = dst + (<usize>(i * kc) << 3);
    if (!transA) {
      // op(A)[i, p] = a[i·lda + p]: four row streams, interleaved.
      if (rows == MR) {
        const r0 = a + (<usize>((i0 + i) * lda + p0) << 3);
        const r1 = r0 + (<usize>lda << 3);
        const r2 = r1 + (<usize>lda << 3);
        const r3 = r2 + (<usize>lda << 3);
        for (let p: i32 = 0; p < kc; p++) {
          const o = <usize>p << 3;
          const d = panel + (<usize>(p * MR) << 3);
          store<f64>(d, load<f64>(r0 + o));
          store<f64>(d, load<f64>(r1 + o), 8);
          store<f64>(d, load<f64>(r2 + o), 16);
          store<f64>(d, load<f64>(r3 + o), 24);
        }
      } else {
        for (let p: i32 = 0; p < kc; p++) {
          const d = panel + (<usize>(p * MR) << 3);
          for (let r: i32 = 0; r < MR; r++) {
            store<f64>(d + (<usize>r << 3), r < rows ? load<f64>(a + (<usize>((i0 + i + r) * lda + p0 + p) << 3)) : 0.0);
          }
        }
      }
    } else {
      // op(A)[i, p] = a[p·lda + i]: MR consecutive values per p.
      if (rows == MR) {
        for (let p: i32 = 0; p < kc; p++) {
          const s = a + (<usize>((p0 + p) * lda + i0 + i) << 3);
          const d = panel + (<usize>(p * MR) << 3);
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
        }
      } else {
        for (let p: i32 = 0; p < kc; p++) {
          const s = a + (<usize>((p0 + p) * lda + i0 + i) << 3);
          const d = panel + (<usize>(p * MR) << 3);
          for (let r: i32 = 0; r < MR; r++) store<f64>(d + (<usize>r << 3), r < rows ? load<f64>(s + (<usize>r << 3)) : 0.0);
        }
      }
    }
  }
}

// Packs rows [p0, p0+kc) × cols [j0, j0+nc) of op(B) into ceil(nc/NR) panels; panel q holds
// op(B)[p0 + p, j0 + q·NR + c] at dst[(q·kc + p)·NR + c], zero-padded past nc.
function packB64(dst: usize, b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32): void {
  for (let j: i32 = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const panel = dst + (<usize>(j * kc) << 3);
    if (!transB) {
      // op(B)[p, j] = b[p·ldb + j]: NR consecutive values per p.
      if (cols == NR) {
        for (let p: i32 = 0; p < kc; p++) {
          const s = b + (<usize>((p0 + p) * ldb + j0 + j) << 3);
          const d = panel + (<usize>(p * NR) << 3);
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
        }
      } else {
        for (let p: i32 = 0; p < kc; p++) {
          const s = b + (<usize>((p0 + p) * ldb + j0 + j) << 3);
          const d = panel + (<usize>(p * NR) << 3);
          for (let c: i32 = 0; c < NR; c++) store<f64>(d + (<usize>c << 3), c < cols ? load<f64>(s + (<usize>c << 3)) : 0.0);
        }
      }
    } else {
      // op(B)[p, j] = b[j·ldb + p]: NR column streams, interleaved.
      if (cols == NR) {
        const c0 = b + (<usize>((j0 + j) * ldb + p0) << 3);
        const c1 = c0 + (<usize>ldb << 3);
        const c2 = c1 + (<usize>ldb << 3);
        const c3 = c2 + (<usize>ldb << 3);
        for (let p: i32 = 0; p < kc; p++) {
          const o = <usize>p << 3;
          const d = panel + (<usize>(p * NR) << 3);
          store<f64>(d, load<f64>(c0 + o));
          store<f64>(d, load<f64>(c1 + o), 8);
          store<f64>(d, load<f64>(c2 + o), 16);
          store<f64>(d, load<f64>(c3 + o), 24);
        }
      } else {
        for (let p: i32 = 0; p < kc; p++) {
          const d = panel + (<usize>(p * NR) << 3);
          for (let c: i32 = 0; c < NR; c++) {
            store<f64>(d + (<usize>c << 3), c < cols ? load<f64>(b + (<usize>((j0 + j + c) * ldb + p0 + p) << 3)) : 0.0);
          }
        }
      }
    }
  }
}

// The 4×4 micro-kernel: C[0:4, 0:4] (row stride ldc elements) = or += Apanel · Bpanel over kc.
// @ts-ignore: decorator
@inline
function kernel4x4(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, accumulate: bool): void {
  let c00 = f64x2.splat(0.0), c01 = f64x2.splat(0.0);
  let c10 = f64x2.splat(0.0), c11 = f64x2.splat(0.0);
  let c20 = f64x2.splat(0.0), c21 = f64x2.splat(0.0);
  let c30 = f64x2.splat(0.0), c31 = f64x2.splat(0.0);
  for (let p: i32 = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load64_splat(ap);
    c00 = madd64(a, b0, c00); c01 = madd64(a, b1, c01);
    a = v128.load64_splat(ap, 8);
    c10 = madd64(a, b0, c10); c11 = madd64(a, b1, c11);
    a = v128.load64_splat(ap, 16);
    c20 = madd64(a, b0, c20); c21 = madd64(a, b1, c21);
    a = v128.load64_splat(ap, 24);
    c30 = madd64(a, b0, c30); c31 = madd64(a, b1, c31);
    ap += 32;
    bp += 32;
  }
  const s = <usize>ldc << 3;
  const r1 = c + s, r2 = r1 + s, r3 = r2 + s;
  if (accumulate) {
    c00 = f64x2.add(c00, v128.load(c)); c01 = f64x2.add(c01, v128.load(c, 16));
    c10 = f64x2.add(c10, v128.load(r1)); c11 = f64x2.add(c11, v128.load(r1, 16));
    c20 = f64x2.add(c20, v128.load(r2)); c21 = f64x2.add(c21, v128.load(r2, 16));
    c30 = f64x2.add(c30, v128.load(r3)); c31 = f64x2.add(c31, v128.load(r3, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(r1, c10); v128.store(r1, c11, 16);
  v128.store(r2, c20); v128.store(r2, c21, 16);
  v128.store(r3, c30); v128.store(r3, c31, 16);
}

/**
 * C[m×n] (row stride ldc) = op(A)·op(B), or += when `accumulate`. A: [m×k] row stride lda
 * ([k×m] when transA), B: [k×n] row stride ldb ([n×k] when transB). All pointers are byte
 * offsets; packA/packB/tile: scratch of MC·KC, KC·NC and MR·NR doubles.
 */
export function dgemm(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool,
  c: usize, ldc: i32, accumulate: bool,
  packA: usize, packB: usize, tile: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) for (let i: i32 = 0; i < m; i++) memory.fill(c + (<usize>(i * ldc) << 3), 0, <usize>n << 3);
    return;
  }
  for (let jc: i32 = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc: i32 = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const acc = accumulate || pc > 0;
      packB64(packB, b, ldb, transB, pc, kc, jc, nc);
      for (let ic: i32 = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA64(packA, a, lda, transA, ic, mc, pc, kc);
        for (let jr: i32 = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = packB + (<usize>(jr * kc) << 3);
          for (let ir: i32 = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const ap = packA + (<usize>(ir * kc) << 3);
            const cp = c + (<usize>((ic + ir) * ldc + jc + jr) << 3);
            if (mr == MR && nr == NR) {
              kernel4x4(kc, ap, bp, cp, ldc, acc);
            } else {
              // Edge tile: compute the full 4×4 into scratch, then write the valid part.
              kernel4x4(kc, ap, bp, tile, NR, false);
              for (let r: i32 = 0; r < mr; r++) {
                for (let q: i32 = 0; q < nr; q++) {
                  const dst = cp + (<usize>(r * ldc + q) << 3);
                  const v = load<f64>(tile + (<usize>(r * NR + q) << 3));
                  store<f64>(dst, acc ? load<f64>(dst) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}
