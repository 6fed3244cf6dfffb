/*
 * shocklens-blas, attention's small products: the N·H products of T×T and T×dh matrices of every
 * transformer step, too small for OpenBLAS, as C twins of the small-product kernel of
 * src/core/kernels/matmul.ts (gemmSmall), each output element the same sum in the same order
 * (built with -ffp-contract=off like stream.c), so the bits are those of the TypeScript kernel.
 *
 *   permuteHeads(src, dst, N, T, H, dh, inverse)
 *                                     [N, T, H, dh] → [N, H, T, dh] (inverse: back), copies
 *   dotBatched(nb, m, n, k, a, sa, b, sb, c)
 *                                     c_t = a_t · b_tᵀ for t < nb (a_t [m, k] at t·sa, b_t [n, k] at
 *                                     t·sb, c_t [m, n] at t·m·n): gemmSmall's dot-product form
 *                                     (gemmDotContig), its sums in its order
 *   rowsBatched(nb, m, n, k, a, sa, transA, b, sb, c)
 *                                     c_t = op(a_t) · b_t for n ≥ 4, k ≥ 2 (b_t [k, n]): gemmSmall's
 *                                     scaled-rows form, four rows of b at a time, its sums in its order
 *   dotHeads(N, H, m, n, k, a, aN, aH, lda, b, bN, bH, ldb, c, cN, cH, ldc)
 *   rowsHeads(N, H, m, n, k, a, aN, aH, transA, b, bN, bH, ldb, c, cN, cH, ldc)
 *                                     the same two forms for the N·H products (u, h) whose operands
 *                                     start at u·xN + h·xH and whose rows are ldx apart (rowsHeads:
 *                                     a_t stored whole, [m, k] or [k, m]): the heads of q, k, v and
 *                                     of their cotangents read and written in place in the [N·T, H·dh]
 *                                     rows of the projections, where the batched forms need them
 *                                     permuted to [N, H, T, dh] first (src/core/kernels/attentionHeads.ts)
 */
#include <string.h>

#include "stream.h"

static void permute_heads(const double *src, double *dst, size_t N, size_t T, size_t H, size_t dh, bool inverse) {
  const size_t hd = H * dh;
  for (size_t n = 0; n < N; n++)
    for (size_t t = 0; t < T; t++) {
      const size_t row = (n * T + t) * hd;
      for (size_t h = 0; h < H; h++) {
        const size_t a = row + h * dh, b = ((n * H + h) * T + t) * dh;
        if (inverse)
          memcpy(dst + a, src + b, dh * sizeof(double));
        else
          memcpy(dst + b, src + a, dh * sizeof(double));
      }
    }
}

/* gemmDotContig: columns in groups of four, each a chain over p in k order; a lone column in four
 * interleaved partial sums over the first k & ~3 terms, (s0 + s1) + (s2 + s3), then the rest. */
CLONES static void dot_heads(size_t N, size_t H, size_t m, size_t n, size_t k, const double *a, size_t aN, size_t aH,
                             size_t lda, const double *b, size_t bN, size_t bH, size_t ldb, double *c, size_t cN,
                             size_t cH, size_t ldc) {
  const size_t n4 = n - (n & 3), k4 = k & ~(size_t)3;
  for (size_t u = 0; u < N; u++)
    for (size_t h = 0; h < H; h++) {
      const double *at = a + u * aN + h * aH, *bt = b + u * bN + h * bH;
      double *ct = c + u * cN + h * cH;
      for (size_t i = 0; i < m; i++) {
        const double *ai = at + i * lda;
        double *ci = ct + i * ldc;
        size_t j = 0;
        for (; j < n4; j += 4) {
          const double *b0 = bt + j * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
          double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (size_t p = 0; p < k; p++) {
            const double x = ai[p];
            s0 += x * b0[p];
            s1 += x * b1[p];
            s2 += x * b2[p];
            s3 += x * b3[p];
          }
          ci[j] = s0;
          ci[j + 1] = s1;
          ci[j + 2] = s2;
          ci[j + 3] = s3;
        }
        for (; j < n; j++) {
          // s0 … s3 (s_l += a[p]·b[p] for p ≡ l mod 4) as the four lanes of one vector.
          const double *bj = bt + j * ldb;
          v4d acc = {0, 0, 0, 0};
          size_t p = 0;
          for (; p < k4; p += 4) acc += *(const v4u *)(ai + p) * *(const v4u *)(bj + p);
          double s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
          for (; p < k; p++) s += ai[p] * bj[p];
          ci[j] = s;
        }
      }
    }
}

/* gemmSmall's form for contiguous rows of B: row i of C = Σ_p op(A)[i, p]·B[p, :], rows of B in
 * groups of four ((x0·b0 + x1·b1) + x2·b2) + x3·b3 (assigned for the first group, added after),
 * the last k mod 4 rows one by one onto the row of C ((c + x0·b0) + x1·b1) + …. */
CLONES static void rows_heads(size_t N, size_t H, size_t m, size_t n, size_t k, const double *a, size_t aN,
                              size_t aH, bool transA, const double *b, size_t bN, size_t bH, size_t ldb, double *c,
                              size_t cN, size_t cH, size_t ldc) {
  const size_t ars = transA ? 1 : k, acs = transA ? m : 1, k4 = k - (k & 3);
  for (size_t u = 0; u < N; u++)
    for (size_t h = 0; h < H; h++) {
      const double *at = a + u * aN + h * aH, *bt = b + u * bN + h * bH;
      double *ct = c + u * cN + h * cH;
      for (size_t i = 0; i < m; i++) {
        const double *ai = at + i * ars;
        double *ci = ct + i * ldc;
        size_t p = 0;
        for (; p < k4; p += 4) {
          const double x0 = ai[p * acs], x1 = ai[(p + 1) * acs], x2 = ai[(p + 2) * acs], x3 = ai[(p + 3) * acs];
          const double *b0 = bt + p * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
          if (p == 0)
            for (size_t j = 0; j < n; j++) ci[j] = x0 * b0[j] + x1 * b1[j] + x2 * b2[j] + x3 * b3[j];
          else
            for (size_t j = 0; j < n; j++) ci[j] += x0 * b0[j] + x1 * b1[j] + x2 * b2[j] + x3 * b3[j];
        }
        const size_t r = k - p;
        if (r == 0) continue;
        const double x0 = ai[p * acs];
        const double *b0 = bt + p * ldb;
        if (r == 1) {
          if (p == 0)
            for (size_t j = 0; j < n; j++) ci[j] = x0 * b0[j];
          else
            for (size_t j = 0; j < n; j++) ci[j] += x0 * b0[j];
        } else if (r == 2) {
          const double x1 = ai[(p + 1) * acs];
          const double *b1 = b0 + ldb;
          if (p == 0)
            for (size_t j = 0; j < n; j++) ci[j] = x0 * b0[j] + x1 * b1[j];
          else
            for (size_t j = 0; j < n; j++) ci[j] = ci[j] + x0 * b0[j] + x1 * b1[j];
        } else {
          const double x1 = ai[(p + 1) * acs], x2 = ai[(p + 2) * acs];
          const double *b1 = b0 + ldb, *b2 = b1 + ldb;
          if (p == 0)
            for (size_t j = 0; j < n; j++) ci[j] = x0 * b0[j] + x1 * b1[j] + x2 * b2[j];
          else
            for (size_t j = 0; j < n; j++) ci[j] = ci[j] + x0 * b0[j] + x1 * b1[j] + x2 * b2[j];
        }
      }
    }
}

static napi_value permute_heads_js(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  double *src, *dst;
  size_t ls, ld, N, T, H, dh;
  bool inverse;
  if (!args(env, info, 7, argv) || !f64(env, argv[0], &src, &ls) || !f64(env, argv[1], &dst, &ld) ||
      !count(env, argv[2], &N) || !count(env, argv[3], &T) || !count(env, argv[4], &H) || !count(env, argv[5], &dh) ||
      napi_get_value_bool(env, argv[6], &inverse) != napi_ok)
    THROW(env, "permuteHeads: expected (src, dst: Float64Array, N, T, H, dh, inverse: boolean)");
  if (ls < N * T * H * dh || ld < N * T * H * dh) THROW(env, "permuteHeads: operand too short");
  if (src == dst && N * T * H * dh > 0) THROW(env, "permuteHeads: src and dst must differ");
  permute_heads(src, dst, N, T, H, dh, inverse);
  return NULL;
}

static napi_value dot_batched_js(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  double *a, *b, *c;
  size_t la, lb, lc, nb, m, n, k, sa, sb;
  if (!args(env, info, 9, argv) || !count(env, argv[0], &nb) || !count(env, argv[1], &m) ||
      !count(env, argv[2], &n) || !count(env, argv[3], &k) || !f64(env, argv[4], &a, &la) ||
      !count(env, argv[5], &sa) || !f64(env, argv[6], &b, &lb) || !count(env, argv[7], &sb) ||
      !f64(env, argv[8], &c, &lc))
    THROW(env, "dotBatched: expected (nb, m, n, k, a, strideA, b, strideB, c)");
  if (nb > 0 && (la < (nb - 1) * sa + m * k || lb < (nb - 1) * sb + n * k || lc < nb * m * n))
    THROW(env, "dotBatched: operand too short");
  dot_heads(nb, 1, m, n, k, a, sa, 0, k, b, sb, 0, k, c, m * n, 0, n);
  return NULL;
}

static napi_value rows_batched_js(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  double *a, *b, *c;
  size_t la, lb, lc, nb, m, n, k, sa, sb;
  bool transA;
  if (!args(env, info, 10, argv) || !count(env, argv[0], &nb) || !count(env, argv[1], &m) ||
      !count(env, argv[2], &n) || !count(env, argv[3], &k) || !f64(env, argv[4], &a, &la) ||
      !count(env, argv[5], &sa) || napi_get_value_bool(env, argv[6], &transA) != napi_ok ||
      !f64(env, argv[7], &b, &lb) || !count(env, argv[8], &sb) || !f64(env, argv[9], &c, &lc))
    THROW(env, "rowsBatched: expected (nb, m, n, k, a, strideA, transA, b, strideB, c)");
  if (nb > 0 && (la < (nb - 1) * sa + m * k || lb < (nb - 1) * sb + k * n || lc < nb * m * n))
    THROW(env, "rowsBatched: operand too short");
  rows_heads(nb, 1, m, n, k, a, sa, 0, transA, b, sb, 0, n, c, m * n, 0, n);
  return NULL;
}

/* Elements spanned by N·H blocks (u, h) at u·sN + h·sH of `rows` rows `ld` apart, `cols` wide. */
static size_t extent(size_t N, size_t H, size_t sN, size_t sH, size_t rows, size_t ld, size_t cols) {
  if (N == 0 || H == 0 || rows == 0 || cols == 0) return 0;
  return (N - 1) * sN + (H - 1) * sH + (rows - 1) * ld + cols;
}

/* The shared arguments of dotHeads and rowsHeads: N, H, m, n, k, then (a, aN, aH) at 5 …, (b, bN,
 * bH, ldb) at 9 …, (c, cN, cH, ldc) at 13 …; argument 8 (lda or transA) is read by the caller. */
typedef struct {
  size_t N, H, m, n, k, aN, aH, bN, bH, ldb, cN, cH, ldc, la, lb, lc;
  double *a, *b, *c;
} heads_args;

static bool heads_read(napi_env env, napi_value *argv, heads_args *h) {
  return count(env, argv[0], &h->N) && count(env, argv[1], &h->H) && count(env, argv[2], &h->m) &&
         count(env, argv[3], &h->n) && count(env, argv[4], &h->k) && f64(env, argv[5], &h->a, &h->la) &&
         count(env, argv[6], &h->aN) && count(env, argv[7], &h->aH) && f64(env, argv[9], &h->b, &h->lb) &&
         count(env, argv[10], &h->bN) && count(env, argv[11], &h->bH) && count(env, argv[12], &h->ldb) &&
         f64(env, argv[13], &h->c, &h->lc) && count(env, argv[14], &h->cN) && count(env, argv[15], &h->cH) &&
         count(env, argv[16], &h->ldc);
}

static napi_value dot_heads_js(napi_env env, napi_callback_info info) {
  napi_value argv[17];
  heads_args h;
  size_t lda;
  if (!args(env, info, 17, argv) || !heads_read(env, argv, &h) || !count(env, argv[8], &lda))
    THROW(env, "dotHeads: expected (N, H, m, n, k, a, aN, aH, lda, b, bN, bH, ldb, c, cN, cH, ldc)");
  if (h.la < extent(h.N, h.H, h.aN, h.aH, h.m, lda, h.k) || h.lb < extent(h.N, h.H, h.bN, h.bH, h.n, h.ldb, h.k) ||
      h.lc < extent(h.N, h.H, h.cN, h.cH, h.m, h.ldc, h.n))
    THROW(env, "dotHeads: operand too short");
  dot_heads(h.N, h.H, h.m, h.n, h.k, h.a, h.aN, h.aH, lda, h.b, h.bN, h.bH, h.ldb, h.c, h.cN, h.cH, h.ldc);
  return NULL;
}

static napi_value rows_heads_js(napi_env env, napi_callback_info info) {
  napi_value argv[17];
  heads_args h;
  bool transA;
  if (!args(env, info, 17, argv) || !heads_read(env, argv, &h) || napi_get_value_bool(env, argv[8], &transA) != napi_ok)
    THROW(env, "rowsHeads: expected (N, H, m, n, k, a, aN, aH, transA, b, bN, bH, ldb, c, cN, cH, ldc)");
  if (h.la < extent(h.N, h.H, h.aN, h.aH, 1, 0, h.m * h.k) || h.lb < extent(h.N, h.H, h.bN, h.bH, h.k, h.ldb, h.n) ||
      h.lc < extent(h.N, h.H, h.cN, h.cH, h.m, h.ldc, h.n))
    THROW(env, "rowsHeads: operand too short");
  rows_heads(h.N, h.H, h.m, h.n, h.k, h.a, h.aN, h.aH, transA, h.b, h.bN, h.bH, h.ldb, h.c, h.cN, h.cH, h.ldc);
  return NULL;
}

void heads_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    METHOD("permuteHeads", permute_heads_js),
    METHOD("dotBatched", dot_batched_js),
    METHOD("rowsBatched", rows_batched_js),
    METHOD("dotHeads", dot_heads_js),
    METHOD("rowsHeads", rows_heads_js),
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
