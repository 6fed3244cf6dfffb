/*
 * shocklens-blas, the rows of the compiled transformer: its layer norms and its embedding. Every
 * kernel performs the IEEE operations of its TypeScript twin in the same order (built like
 * stream.c with -ffp-contract=off, no -ffast-math; sqrt and division are correctly rounded in C as
 * in JavaScript), so the results are bit for bit those of the TypeScript kernels, which the tests
 * check.
 *
 *   addLayerNorm(x, y, bias, rows, d, γ, β, eps, sum, out, mean, rstd)
 *                                     sum ← x + (y + bias) (bias null: x + y), then the layer norm
 *                                     of each row of sum (μ, σ² in four interleaved partial sums):
 *                                     src/core/kernels/layerNormFused.ts
 *   layerNormBackwardAdd(g, x, rows, d, γ, mean, rstd, base, dx, dγ, dβ)
 *                                     the layer norm's reverse pass (Σ in two partial sums), plus
 *                                     base (null: none); dγ, dβ accumulated row by row
 *   embedLayerNorm(E, P, tok, rows, T, d, γ | null, β, eps, x0, out, mean, rstd)
 *                                     x0[r] ← E[tok[r]] + P[r mod T] (rows of d), then (γ given) the
 *                                     layer norm of each row of x0 as above: src/core/kernels/embedRows.ts
 *   scatterAddRows(g, tok, rows, d, dE)
 *                                     dE[tok[r]] ← dE[tok[r]] + g[r], r = 0 … rows − 1 in order
 */
#include <math.h>
#include <string.h>

#include "stream.h"

#define INLINE static inline __attribute__((always_inline))

/* μ and rs = 1/√(σ² + eps) of one row s of width d: μ and σ² (biased) each in four interleaved
 * partial sums s_k = Σ_{j ≡ k mod 4} (in j order; the last d mod 4 terms onto s_0), combined as
 * (s0 + s1) + (s2 + s3). */
INLINE void row_stats(const double *s, size_t d, double eps, double *mean, double *rstd) {
  const size_t d4 = d & ~(size_t)3;
  const double dd = (double)d;
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t j = 0;
  for (; j < d4; j += 4) {
    s0 += s[j];
    s1 += s[j + 1];
    s2 += s[j + 2];
    s3 += s[j + 3];
  }
  for (; j < d; j++) s0 += s[j];
  const double mu = ((s0 + s1) + (s2 + s3)) / dd;
  double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  for (j = 0; j < d4; j += 4) {
    const double c0 = s[j] - mu, c1 = s[j + 1] - mu, c2 = s[j + 2] - mu, c3 = s[j + 3] - mu;
    t0 += c0 * c0;
    t1 += c1 * c1;
    t2 += c2 * c2;
    t3 += c3 * c3;
  }
  for (; j < d; j++) {
    const double c = s[j] - mu;
    t0 += c * c;
  }
  *mean = mu;
  *rstd = 1 / sqrt(((t0 + t1) + (t2 + t3)) / dd + eps);
}

/* row_stats of the four rows s + q·d, q < 4, side by side: row q's four partial sums are the four
 * lanes of one vector, so each lane performs the scalar code's additions in its order — the same
 * bits — while the four rows' chains run in parallel instead of one row waiting on the latency of
 * its additions. */
INLINE void row_stats4(const double *s, size_t d, double eps, double *mean, double *rstd) {
  const size_t d4 = d & ~(size_t)3;
  const double dd = (double)d;
  v4d acc[4] = {{0}, {0}, {0}, {0}};
  for (size_t j = 0; j < d4; j += 4)
    for (int q = 0; q < 4; q++) acc[q] += *(const v4u *)(s + q * d + j);
  double mu[4];
  for (int q = 0; q < 4; q++) {
    double s0 = acc[q][0];
    for (size_t j = d4; j < d; j++) s0 += s[q * d + j];
    mu[q] = ((s0 + acc[q][1]) + (acc[q][2] + acc[q][3])) / dd;
  }
  v4d sq[4] = {{0}, {0}, {0}, {0}};
  for (size_t j = 0; j < d4; j += 4)
    for (int q = 0; q < 4; q++) {
      const v4d c = *(const v4u *)(s + q * d + j) - mu[q];
      sq[q] += c * c;
    }
  for (int q = 0; q < 4; q++) {
    double t0 = sq[q][0];
    for (size_t j = d4; j < d; j++) {
      const double c = s[q * d + j] - mu[q];
      t0 += c * c;
    }
    mean[q] = mu[q];
    rstd[q] = 1 / sqrt(((t0 + sq[q][1]) + (sq[q][2] + sq[q][3])) / dd + eps);
  }
}

/* w = (s − μ)·rs·γ + β over one row. */
INLINE void norm_out(const double *s, size_t d, double mu, double rs, const double *gamma, const double *beta,
                     double *w) {
  for (size_t j = 0; j < d; j++) w[j] = (s[j] - mu) * rs * gamma[j] + beta[j];
}

/* The layer norm of the rows [r0, r1) of s (width d) into w, with μ and rs per row: four rows at a
 * time, the rest one by one. */
INLINE void norm_rows(const double *s, size_t r0, size_t r1, size_t d, const double *gamma, const double *beta,
                      double eps, double *w, double *mean, double *rstd) {
  size_t r = r0;
  for (; r + 4 <= r1; r += 4) {
    row_stats4(s + r * d, d, eps, mean + r, rstd + r);
    for (size_t q = r; q < r + 4; q++) norm_out(s + q * d, d, mean[q], rstd[q], gamma, beta, w + q * d);
  }
  for (; r < r1; r++) {
    row_stats(s + r * d, d, eps, mean + r, rstd + r);
    norm_out(s + r * d, d, mean[r], rstd[r], gamma, beta, w + r * d);
  }
}

/* Rows per block of the forward kernels: the sums of a block are written, then normalised while in cache. */
#define BLOCK 16

CLONES static void add_layer_norm(const double *x, const double *y, const double *bias, size_t rows, size_t d,
                                  const double *gamma, const double *beta, double eps, double *sum, double *out,
                                  double *mean, double *rstd) {
  for (size_t r0 = 0; r0 < rows; r0 += BLOCK) {
    const size_t r1 = r0 + BLOCK < rows ? r0 + BLOCK : rows;
    for (size_t r = r0; r < r1; r++) {
      const size_t o = r * d;
      const double *xr = x + o, *yr = y + o;
      double *s = sum + o;
      if (bias == NULL)
        for (size_t j = 0; j < d; j++) s[j] = xr[j] + yr[j];
      else
        for (size_t j = 0; j < d; j++) s[j] = xr[j] + (yr[j] + bias[j]);
    }
    norm_rows(sum, r0, r1, d, gamma, beta, eps, out, mean, rstd);
  }
}

/* The layer norm's reverse pass needs per row a = mean(ĝ) and b = mean(ĝ·x̂) with ĝ = g·γ,
 * x̂ = (x − μ)·rs: each sum in two interleaved partial sums (even and odd j; an odd last term onto
 * the even one), (p0 + p1)/d. */
INLINE void grad_stats(const double *gr, const double *xr, size_t d, const double *gamma, double mu, double rs,
                       double *a, double *b) {
  const size_t d2 = d & ~(size_t)1;
  const double dd = (double)d;
  double a0 = 0, a1 = 0, b0 = 0, b1 = 0;
  size_t j = 0;
  for (; j < d2; j += 2) {
    const double g0 = gr[j] * gamma[j], g1 = gr[j + 1] * gamma[j + 1];
    a0 += g0;
    a1 += g1;
    b0 += g0 * (xr[j] - mu) * rs;
    b1 += g1 * (xr[j + 1] - mu) * rs;
  }
  for (; j < d; j++) {
    const double g0 = gr[j] * gamma[j];
    a0 += g0;
    b0 += g0 * (xr[j] - mu) * rs;
  }
  *a = (a0 + a1) / dd;
  *b = (b0 + b1) / dd;
}

/* grad_stats of the four rows g + q·d, x + q·d side by side, row q's two partial sums the two
 * lanes of a vector (the scalar code's operations, lane by lane, in its order). */
INLINE void grad_stats4(const double *g, const double *x, size_t d, const double *gamma, const double *mu,
                        const double *rs, double *a, double *b) {
  const size_t d2 = d & ~(size_t)1;
  const double dd = (double)d;
  v2d A[4] = {{0}, {0}, {0}, {0}}, B[4] = {{0}, {0}, {0}, {0}};
  for (size_t j = 0; j < d2; j += 2) {
    const v2d gm = *(const v2u *)(gamma + j);
    for (int q = 0; q < 4; q++) {
      const v2d g0 = *(const v2u *)(g + q * d + j) * gm;
      A[q] += g0;
      B[q] += g0 * (*(const v2u *)(x + q * d + j) - mu[q]) * rs[q];
    }
  }
  for (int q = 0; q < 4; q++) {
    double a0 = A[q][0], b0 = B[q][0];
    if (d2 < d) {
      const double g0 = g[q * d + d2] * gamma[d2];
      a0 += g0;
      b0 += g0 * (x[q * d + d2] - mu[q]) * rs[q];
    }
    a[q] = (a0 + A[q][1]) / dd;
    b[q] = (b0 + B[q][1]) / dd;
  }
}

/* One row's dx = base + rs·(ĝ − a − x̂·b) (base NULL: without it), dγ += g·x̂, dβ += g. */
INLINE void grad_out(const double *gr, const double *xr, size_t d, const double *gamma, double mu, double rs,
                     double a, double b, const double *br, double *dr, double *dgamma, double *dbeta) {
  if (br == NULL) {
    for (size_t j = 0; j < d; j++) {
      const double gj = gr[j], xc = xr[j] - mu;
      dr[j] = rs * (gj * gamma[j] - a - xc * rs * b);
      dgamma[j] += gj * xc * rs;
      dbeta[j] += gj;
    }
  } else {
    for (size_t j = 0; j < d; j++) {
      const double gj = gr[j], xc = xr[j] - mu;
      const double v = rs * (gj * gamma[j] - a - xc * rs * b);
      dr[j] = br[j] + v;
      dgamma[j] += gj * xc * rs;
      dbeta[j] += gj;
    }
  }
}

CLONES static void layer_norm_backward_add(const double *g, const double *x, size_t rows, size_t d,
                                           const double *gamma, const double *mean, const double *rstd,
                                           const double *base, double *dx, double *dgamma, double *dbeta) {
  size_t r = 0;
  double a[4], b[4];
  for (; r + 4 <= rows; r += 4) {
    grad_stats4(g + r * d, x + r * d, d, gamma, mean + r, rstd + r, a, b);
    for (size_t q = 0; q < 4; q++) {
      const size_t o = (r + q) * d;
      grad_out(g + o, x + o, d, gamma, mean[r + q], rstd[r + q], a[q], b[q], base == NULL ? NULL : base + o, dx + o,
               dgamma, dbeta);
    }
  }
  for (; r < rows; r++) {
    const size_t o = r * d;
    grad_stats(g + o, x + o, d, gamma, mean[r], rstd[r], a, b);
    grad_out(g + o, x + o, d, gamma, mean[r], rstd[r], a[0], b[0], base == NULL ? NULL : base + o, dx + o, dgamma,
             dbeta);
  }
}

CLONES static void embed_layer_norm(const double *E, const double *P, const int32_t *tok, size_t rows, size_t T,
                                    size_t d, const double *gamma, const double *beta, double eps, double *x0,
                                    double *out, double *mean, double *rstd) {
  for (size_t r0 = 0; r0 < rows; r0 += BLOCK) {
    const size_t r1 = r0 + BLOCK < rows ? r0 + BLOCK : rows;
    for (size_t r = r0; r < r1; r++) {
      const double *e = E + (size_t)tok[r] * d, *p = P + (r % T) * d;
      double *s = x0 + r * d;
      for (size_t j = 0; j < d; j++) s[j] = e[j] + p[j];
    }
    if (gamma != NULL) norm_rows(x0, r0, r1, d, gamma, beta, eps, out, mean, rstd);
  }
}

CLONES static void scatter_add_rows(const double *g, const int32_t *tok, size_t rows, size_t d, double *dE) {
  for (size_t r = 0; r < rows; r++) {
    double *e = dE + (size_t)tok[r] * d;
    const double *gr = g + r * d;
    for (size_t j = 0; j < d; j++) e[j] += gr[j];
  }
}

static napi_value add_layer_norm_js(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  double *x, *y, *bias, *gamma, *beta, eps, *sum, *out, *mean, *rstd;
  size_t lx, ly, lb, lg, lbe, ls, lo, lm, lr, rows, d;
  if (!args(env, info, 12, argv) || !f64(env, argv[0], &x, &lx) || !f64(env, argv[1], &y, &ly) ||
      !f64_or_null(env, argv[2], &bias, &lb) || !count(env, argv[3], &rows) || !count(env, argv[4], &d) ||
      !f64(env, argv[5], &gamma, &lg) || !f64(env, argv[6], &beta, &lbe) ||
      napi_get_value_double(env, argv[7], &eps) != napi_ok || !f64(env, argv[8], &sum, &ls) ||
      !f64(env, argv[9], &out, &lo) || !f64(env, argv[10], &mean, &lm) || !f64(env, argv[11], &rstd, &lr))
    THROW(env, "addLayerNorm: expected (x, y, bias | null, rows, d, gamma, beta, eps, sum, out, mean, rstd)");
  const size_t rd = rows * d;
  if (lx < rd || ly < rd || ls < rd || lo < rd || (bias != NULL && lb < d) || lg < d || lbe < d || lm < rows ||
      lr < rows)
    THROW(env, "addLayerNorm: operand too short");
  add_layer_norm(x, y, bias, rows, d, gamma, beta, eps, sum, out, mean, rstd);
  return NULL;
}

static napi_value layer_norm_backward_add_js(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  double *g, *x, *gamma, *mean, *rstd, *base, *dx, *dgamma, *dbeta;
  size_t lg, lx, lga, lm, lr, lb, ld, ldg, ldb, rows, d;
  if (!args(env, info, 11, argv) || !f64(env, argv[0], &g, &lg) || !f64(env, argv[1], &x, &lx) ||
      !count(env, argv[2], &rows) || !count(env, argv[3], &d) || !f64(env, argv[4], &gamma, &lga) ||
      !f64(env, argv[5], &mean, &lm) || !f64(env, argv[6], &rstd, &lr) || !f64_or_null(env, argv[7], &base, &lb) ||
      !f64(env, argv[8], &dx, &ld) || !f64(env, argv[9], &dgamma, &ldg) || !f64(env, argv[10], &dbeta, &ldb))
    THROW(env, "layerNormBackwardAdd: expected (g, x, rows, d, gamma, mean, rstd, base | null, dx, dgamma, dbeta)");
  const size_t rd = rows * d;
  if (lg < rd || lx < rd || ld < rd || (base != NULL && lb < rd) || lga < d || ldg < d || ldb < d || lm < rows ||
      lr < rows)
    THROW(env, "layerNormBackwardAdd: operand too short");
  layer_norm_backward_add(g, x, rows, d, gamma, mean, rstd, base, dx, dgamma, dbeta);
  return NULL;
}

/* Token indices (an Int32Array of at least `rows`), each a row of E (lenE / d rows). */
static bool tokens(napi_env env, napi_value v, size_t rows, size_t d, size_t lenE, const int32_t **tok) {
  void *p;
  size_t n;
  if (!typed(env, v, napi_int32_array, &p, &n) || n < rows) return false;
  const int32_t *t = p;
  for (size_t r = 0; r < rows; r++)
    if (t[r] < 0 || ((size_t)t[r] + 1) * d > lenE) return false;
  *tok = t;
  return true;
}

static napi_value embed_layer_norm_js(napi_env env, napi_callback_info info) {
  napi_value argv[13];
  double *E, *P, *gamma, *beta, eps, *x0, *out, *mean, *rstd;
  const int32_t *tok;
  size_t lE, lP, lg, lbe, lx, lo, lm, lr, rows, T, d;
  if (!args(env, info, 13, argv) || !f64(env, argv[0], &E, &lE) || !f64(env, argv[1], &P, &lP) ||
      !count(env, argv[3], &rows) || !count(env, argv[4], &T) || !count(env, argv[5], &d) ||
      !f64_or_null(env, argv[6], &gamma, &lg) || !f64_or_null(env, argv[7], &beta, &lbe) ||
      napi_get_value_double(env, argv[8], &eps) != napi_ok || !f64(env, argv[9], &x0, &lx) ||
      !f64_or_null(env, argv[10], &out, &lo) || !f64_or_null(env, argv[11], &mean, &lm) ||
      !f64_or_null(env, argv[12], &rstd, &lr))
    THROW(env, "embedLayerNorm: expected (E, P, tok: Int32Array, rows, T, d, gamma | null, beta | null, eps, x0, out | null, mean | null, rstd | null)");
  if (rows > 0 && T == 0) THROW(env, "embedLayerNorm: T must be positive");
  if (!tokens(env, argv[2], rows, d, lE, &tok)) THROW(env, "embedLayerNorm: tokens must be an Int32Array of rows of E");
  const size_t rd = rows * d;
  if (lP < (rows < T ? rows : T) * d || lx < rd) THROW(env, "embedLayerNorm: operand too short");
  if (gamma != NULL &&
      (beta == NULL || out == NULL || mean == NULL || rstd == NULL || lg < d || lbe < d || lo < rd || lm < rows ||
       lr < rows))
    THROW(env, "embedLayerNorm: operand too short");
  embed_layer_norm(E, P, tok, rows, T, d, gamma, beta, eps, x0, out, mean, rstd);
  return NULL;
}

static napi_value scatter_add_rows_js(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  double *g, *dE;
  const int32_t *tok;
  size_t lg, lE, rows, d;
  if (!args(env, info, 5, argv) || !f64(env, argv[0], &g, &lg) || !count(env, argv[2], &rows) ||
      !count(env, argv[3], &d) || !f64(env, argv[4], &dE, &lE))
    THROW(env, "scatterAddRows: expected (g, tok: Int32Array, rows, d, dE)");
  if (!tokens(env, argv[1], rows, d, lE, &tok)) THROW(env, "scatterAddRows: tokens must be an Int32Array of rows of dE");
  if (lg < rows * d) THROW(env, "scatterAddRows: operand too short");
  scatter_add_rows(g, tok, rows, d, dE);
  return NULL;
}

void norm_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    METHOD("addLayerNorm", add_layer_norm_js),
    METHOD("layerNormBackwardAdd", layer_norm_backward_add_js),
    METHOD("embedLayerNorm", embed_layer_norm_js),
    METHOD("scatterAddRows", scatter_add_rows_js),
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
