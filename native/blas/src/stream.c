/*
 * shocklens-blas, streaming kernels: the element-wise passes around the GEMMs of a dense layer's
 * step, each one loop over Float64Arrays that a plain JavaScript loop runs at several ns per
 * element and a vectorised C loop at well under one. Every kernel performs exactly the IEEE
 * operations of its TypeScript twin, per element and in the same order (compiled with
 * -ffp-contract=off: no fused multiply-add; no -ffast-math), so the results are bit for bit those
 * of the TypeScript kernels — which the tests check. target_clones lets GCC emit AVX-512, AVX2 and
 * baseline versions and pick one at load.
 *
 *   biasAct(out, b, rows, n, relu)   out[r,j] ← out[r,j] + b[j], then (relu) v > 0 ? v : 0
 *   reluMask(g, x, dx)                dx[i] ← x[i] > 0 ? g[i] : 0
 *   tanhMask(g, y, dx)                dx[i] ← g[i]·(1 − y[i]·y[i])   (tanh's backward from y = tanh x)
 *   colSums(a, rows, n, out)          out[j] ← ((0 + a[0,j]) + a[1,j]) + …   (rows in order)
 *   addTo(acc, x, n)                  acc[i] ← acc[i] + x[i],  i < n
 *   sgd(th, g, out, lr, wd)           out[i] ← th[i] − lr·g[i]   (wd = 0)
 *                                     out[i] ← th[i] − lr·(g[i] + wd·th[i])   (otherwise)
 *
 *   addLayerNorm(x, y, bias, rows, d, γ, β, eps, sum, out, mean, rstd)
 *                                     sum ← x + (y + bias) (bias null: x + y), then the layer norm
 *                                     of each row of sum (μ, σ² in four interleaved partial sums)
 *   layerNormBackwardAdd(g, x, rows, d, γ, mean, rstd, base, dx, dγ, dβ)
 *                                     the layer norm's reverse pass (Σ in two partial sums), plus
 *                                     base (null: none); dγ, dβ accumulated row by row
 *   reluBackwardColSums(g, h, rows, n, dx, db)
 *                                     dx ← h > 0 ? g : 0, db[j] ← Σ_r dx[r, j] in row order from 0
 *   adam(th, g, m0, v0, out, m1, v1, shrink, l2, b1, b2, stepSize, bc2Sqrt, eps)
 *                                     one leaf of Adam/AdamW (src/core/kernels/adamLeaf.ts)
 *   permuteHeads(src, dst, N, T, H, dh, inverse)
 *                                     [N, T, H, dh] → [N, H, T, dh] (inverse: back), copies
 *   dotBatched(nb, m, n, k, a, sa, b, sb, c)
 *                                     c_t = a_t · b_tᵀ for t < nb (a_t [m, k] at t·sa, b_t [n, k] at
 *                                     t·sb, c_t [m, n] at t·m·n): the small-product kernel
 *                                     gemmDotContig of src/core/kernels/matmul.ts, its sums in its order
 *   rowsBatched(nb, m, n, k, a, sa, transA, b, sb, c)
 *                                     c_t = op(a_t) · b_t for n ≥ 4, k ≥ 2 (b_t [k, n]): gemmSmall's
 *                                     scaled-rows form, four rows of b at a time, its sums in its order
 *
 * The layer-norm pair is src/core/kernels/layerNormFused.ts expression for expression (sqrt and
 * division are correctly rounded in C as in JavaScript).
 * The comparisons map NaN to 0 as the TypeScript ternaries do. Outputs may alias inputs element
 * for element (in-place updates): no restrict, every element reads only its own inputs.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <node_api.h>

#include "stream.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

CLONES static void bias_act(double *out, const double *b, size_t rows, size_t n, bool relu) {
  for (size_t r = 0; r < rows; r++) {
    double *o = out + r * n;
    if (relu) {
      for (size_t j = 0; j < n; j++) {
        double v = o[j] + b[j];
        o[j] = v > 0 ? v : 0;
      }
    } else {
      for (size_t j = 0; j < n; j++) o[j] = o[j] + b[j];
    }
  }
}

CLONES static void relu_mask(const double *g, const double *x, double *dx, size_t n) {
  for (size_t i = 0; i < n; i++) dx[i] = x[i] > 0 ? g[i] : 0;
}

CLONES static void tanh_mask(const double *g, const double *y, double *dx, size_t n) {
  for (size_t i = 0; i < n; i++) {
    double v = y[i];
    dx[i] = g[i] * (1 - v * v);
  }
}

CLONES static void col_sums(const double *a, size_t rows, size_t n, double *out) {
  for (size_t j = 0; j < n; j++) out[j] = 0;
  for (size_t r = 0; r < rows; r++) {
    const double *row = a + r * n;
    for (size_t j = 0; j < n; j++) out[j] += row[j];
  }
}

CLONES static void add_to(double *acc, const double *x, size_t n) {
  for (size_t i = 0; i < n; i++) acc[i] = acc[i] + x[i];
}

CLONES static void sgd_update(const double *th, const double *g, double *out, size_t n, double lr, double wd) {
  if (wd == 0) {
    for (size_t i = 0; i < n; i++) out[i] = th[i] - lr * g[i];
  } else {
    for (size_t i = 0; i < n; i++) out[i] = th[i] - lr * (g[i] + wd * th[i]);
  }
}

CLONES static void add_layer_norm(const double *x, const double *y, const double *bias, size_t rows, size_t d,
                                  const double *gamma, const double *beta, double eps, double *sum, double *out,
                                  double *mean, double *rstd) {
  const size_t d4 = d & ~(size_t)3;
  const double dd = (double)d;
  for (size_t r = 0; r < rows; r++) {
    const size_t o = r * d;
    const double *xr = x + o, *yr = y + o;
    double *s = sum + o, *w = out + o;
    if (bias == NULL)
      for (size_t j = 0; j < d; j++) s[j] = xr[j] + yr[j];
    else
      for (size_t j = 0; j < d; j++) s[j] = xr[j] + (yr[j] + bias[j]);
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
    const double rs = 1 / sqrt(((t0 + t1) + (t2 + t3)) / dd + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (j = 0; j < d; j++) w[j] = (s[j] - mu) * rs * gamma[j] + beta[j];
  }
}

CLONES static void layer_norm_backward_add(const double *g, const double *x, size_t rows, size_t d,
                                           const double *gamma, const double *mean, const double *rstd,
                                           const double *base, double *dx, double *dgamma, double *dbeta) {
  const size_t d2 = d & ~(size_t)1;
  const double dd = (double)d;
  for (size_t r = 0; r < rows; r++) {
    const size_t o = r * d;
    const double *gr = g + o, *xr = x + o;
    double *dr = dx + o;
    const double mu = mean[r], rs = rstd[r];
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
    const double a = (a0 + a1) / dd, b = (b0 + b1) / dd;
    if (base == NULL) {
      for (j = 0; j < d; j++) {
        const double gj = gr[j], xc = xr[j] - mu;
        dr[j] = rs * (gj * gamma[j] - a - xc * rs * b);
        dgamma[j] += gj * xc * rs;
        dbeta[j] += gj;
      }
    } else {
      const double *br = base + o;
      for (j = 0; j < d; j++) {
        const double gj = gr[j], xc = xr[j] - mu;
        const double v = rs * (gj * gamma[j] - a - xc * rs * b);
        dr[j] = br[j] + v;
        dgamma[j] += gj * xc * rs;
        dbeta[j] += gj;
      }
    }
  }
}

CLONES static void relu_backward_col_sums(const double *g, const double *h, size_t rows, size_t n, double *dx,
                                          double *db) {
  for (size_t j = 0; j < n; j++) db[j] = 0;
  for (size_t r = 0; r < rows; r++) {
    const size_t o = r * n;
    for (size_t j = 0; j < n; j++) {
      const double v = h[o + j] > 0 ? g[o + j] : 0;
      dx[o + j] = v;
      db[j] += v;
    }
  }
}

CLONES static void adam_leaf(const double *th, const double *g, const double *m0, const double *v0, double *out,
                             double *m1, double *v1, size_t n, double shrink, double l2, double b1, double b2,
                             double stepSize, double bc2Sqrt, double eps) {
  const double c1 = 1 - b1, c2 = 1 - b2, ns = -stepSize;
  for (size_t i = 0; i < n; i++) {
    const double t = th[i];
    const double x = shrink == 1 ? t : t * shrink;
    const double gi = l2 == 0 ? g[i] : g[i] + l2 * t;
    const double mi = m0[i] * b1 + c1 * gi;
    const double vi = v0[i] * b2 + c2 * gi * gi;
    m1[i] = mi;
    v1[i] = vi;
    out[i] = x + (ns * mi) / (sqrt(vi) / bc2Sqrt + eps);
  }
}

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
CLONES static void dot_batched(size_t nb, size_t m, size_t n, size_t k, const double *a, size_t sa, const double *b,
                               size_t sb, double *c) {
  const size_t n4 = n - (n & 3), k4 = k & ~(size_t)3;
  for (size_t t = 0; t < nb; t++) {
    const double *at = a + t * sa, *bt = b + t * sb;
    double *ct = c + t * m * n;
    for (size_t i = 0; i < m; i++) {
      const double *ai = at + i * k;
      double *ci = ct + i * n;
      size_t j = 0;
      for (; j < n4; j += 4) {
        const double *b0 = bt + j * k, *b1 = b0 + k, *b2 = b1 + k, *b3 = b2 + k;
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
        const double *bj = bt + j * k;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        size_t p = 0;
        for (; p < k4; p += 4) {
          s0 += ai[p] * bj[p];
          s1 += ai[p + 1] * bj[p + 1];
          s2 += ai[p + 2] * bj[p + 2];
          s3 += ai[p + 3] * bj[p + 3];
        }
        double s = (s0 + s1) + (s2 + s3);
        for (; p < k; p++) s += ai[p] * bj[p];
        ci[j] = s;
      }
    }
  }
}

/* gemmSmall's form for contiguous rows of B: row i of C = Σ_p op(A)[i, p]·B[p, :], rows of B in
 * groups of four ((x0·b0 + x1·b1) + x2·b2) + x3·b3 (assigned for the first group, added after),
 * the last k mod 4 rows one by one onto the row of C ((c + x0·b0) + x1·b1) + …. */
CLONES static void rows_batched(size_t nb, size_t m, size_t n, size_t k, const double *a, size_t sa, bool transA,
                                const double *b, size_t sb, double *c) {
  const size_t ars = transA ? 1 : k, acs = transA ? m : 1, k4 = k - (k & 3);
  for (size_t t = 0; t < nb; t++) {
    const double *at = a + t * sa, *bt = b + t * sb;
    double *ct = c + t * m * n;
    for (size_t i = 0; i < m; i++) {
      const double *ai = at + i * ars;
      double *ci = ct + i * n;
      size_t p = 0;
      for (; p < k4; p += 4) {
        const double x0 = ai[p * acs], x1 = ai[(p + 1) * acs], x2 = ai[(p + 2) * acs], x3 = ai[(p + 3) * acs];
        const double *b0 = bt + p * n, *b1 = b0 + n, *b2 = b1 + n, *b3 = b2 + n;
        if (p == 0)
          for (size_t j = 0; j < n; j++) ci[j] = x0 * b0[j] + x1 * b1[j] + x2 * b2[j] + x3 * b3[j];
        else
          for (size_t j = 0; j < n; j++) ci[j] += x0 * b0[j] + x1 * b1[j] + x2 * b2[j] + x3 * b3[j];
      }
      const size_t r = k - p;
      if (r == 0) continue;
      const double x0 = ai[p * acs];
      const double *b0 = bt + p * n;
      if (r == 1) {
        if (p == 0)
          for (size_t j = 0; j < n; j++) ci[j] = x0 * b0[j];
        else
          for (size_t j = 0; j < n; j++) ci[j] += x0 * b0[j];
      } else if (r == 2) {
        const double x1 = ai[(p + 1) * acs];
        const double *b1 = b0 + n;
        if (p == 0)
          for (size_t j = 0; j < n; j++) ci[j] = x0 * b0[j] + x1 * b1[j];
        else
          for (size_t j = 0; j < n; j++) ci[j] = ci[j] + x0 * b0[j] + x1 * b1[j];
      } else {
        const double x1 = ai[(p + 1) * acs], x2 = ai[(p + 2) * acs];
        const double *b1 = b0 + n, *b2 = b1 + n;
        if (p == 0)
          for (size_t j = 0; j < n; j++) ci[j] = x0 * b0[j] + x1 * b1[j] + x2 * b2[j];
        else
          for (size_t j = 0; j < n; j++) ci[j] = ci[j] + x0 * b0[j] + x1 * b1[j] + x2 * b2[j];
      }
    }
  }
}

/* Data pointer and element count of a Float64Array (false for anything else). */
bool f64(napi_env env, napi_value v, double **data, size_t *len) {
  void *p;
  if (!typed(env, v, napi_float64_array, &p, len)) return false;
  *data = p;
  return true;
}

bool count(napi_env env, napi_value v, size_t *out) {
  int64_t x;
  if (napi_get_value_int64(env, v, &x) != napi_ok || x < 0) return false;
  *out = (size_t)x;
  return true;
}

bool args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  return napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == want;
}

static napi_value bias_act_js(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  double *out, *b;
  size_t lo, lb, rows, n;
  bool relu;
  if (!args(env, info, 5, argv) || !f64(env, argv[0], &out, &lo) || !f64(env, argv[1], &b, &lb) ||
      !count(env, argv[2], &rows) || !count(env, argv[3], &n) || napi_get_value_bool(env, argv[4], &relu) != napi_ok)
    THROW(env, "biasAct: expected (out: Float64Array, b: Float64Array, rows, n, relu: boolean)");
  if (lb < n || lo < rows * n) THROW(env, "biasAct: operand too short");
  bias_act(out, b, rows, n, relu);
  return NULL;
}

/* The derivative kernels' form (g, y, dx) → dx[i] from g[i] and y[i], i < y.length: arguments
 * checked once for both, then `kernel`. */
typedef void (*mask_kernel)(const double *, const double *, double *, size_t);

static napi_value mask_js(napi_env env, napi_callback_info info, const char *name, mask_kernel kernel) {
  napi_value argv[3];
  double *g, *y, *dx;
  size_t lg, ly, ld;
  char msg[96];
  if (!args(env, info, 3, argv) || !f64(env, argv[0], &g, &lg) || !f64(env, argv[1], &y, &ly) ||
      !f64(env, argv[2], &dx, &ld)) {
    snprintf(msg, sizeof msg, "%s: expected three Float64Arrays (g, y, dx)", name);
    THROW(env, msg);
  }
  if (lg < ly || ld < ly) {
    snprintf(msg, sizeof msg, "%s: operand too short", name);
    THROW(env, msg);
  }
  kernel(g, y, dx, ly);
  return NULL;
}

static napi_value relu_mask_js(napi_env env, napi_callback_info info) { return mask_js(env, info, "reluMask", relu_mask); }
static napi_value tanh_mask_js(napi_env env, napi_callback_info info) { return mask_js(env, info, "tanhMask", tanh_mask); }

static napi_value col_sums_js(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  double *a, *out;
  size_t la, lo, rows, n;
  if (!args(env, info, 4, argv) || !f64(env, argv[0], &a, &la) || !count(env, argv[1], &rows) ||
      !count(env, argv[2], &n) || !f64(env, argv[3], &out, &lo))
    THROW(env, "colSums: expected (a: Float64Array, rows, n, out: Float64Array)");
  if (la < rows * n || lo < n) THROW(env, "colSums: operand too short");
  col_sums(a, rows, n, out);
  return NULL;
}

static napi_value add_to_js(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  double *acc, *x;
  size_t la, lx, n;
  if (!args(env, info, 3, argv) || !f64(env, argv[0], &acc, &la) || !f64(env, argv[1], &x, &lx) ||
      !count(env, argv[2], &n))
    THROW(env, "addTo: expected (acc: Float64Array, x: Float64Array, n)");
  if (la < n || lx < n) THROW(env, "addTo: operand too short");
  add_to(acc, x, n);
  return NULL;
}

static napi_value sgd_js(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  double *th, *g, *out, lr, wd;
  size_t lt, lg, lo;
  if (!args(env, info, 5, argv) || !f64(env, argv[0], &th, &lt) || !f64(env, argv[1], &g, &lg) ||
      !f64(env, argv[2], &out, &lo) || napi_get_value_double(env, argv[3], &lr) != napi_ok ||
      napi_get_value_double(env, argv[4], &wd) != napi_ok)
    THROW(env, "sgd: expected (th, g, out: Float64Array, lr, wd: number)");
  if (lg < lt || lo < lt) THROW(env, "sgd: operand too short");
  sgd_update(th, g, out, lt, lr, wd);
  return NULL;
}

/* A Float64Array, or null (→ NULL, length 0). */
static bool f64_or_null(napi_env env, napi_value v, double **data, size_t *len) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_null) {
    *data = NULL;
    *len = 0;
    return true;
  }
  return f64(env, v, data, len);
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

static napi_value relu_backward_col_sums_js(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  double *g, *h, *dx, *db;
  size_t lg, lh, ld, ldb, rows, n;
  if (!args(env, info, 6, argv) || !f64(env, argv[0], &g, &lg) || !f64(env, argv[1], &h, &lh) ||
      !count(env, argv[2], &rows) || !count(env, argv[3], &n) || !f64(env, argv[4], &dx, &ld) ||
      !f64(env, argv[5], &db, &ldb))
    THROW(env, "reluBackwardColSums: expected (g, h, rows, n, dx, db)");
  const size_t rn = rows * n;
  if (lg < rn || lh < rn || ld < rn || ldb < n) THROW(env, "reluBackwardColSums: operand too short");
  relu_backward_col_sums(g, h, rows, n, dx, db);
  return NULL;
}

static napi_value adam_js(napi_env env, napi_callback_info info) {
  napi_value argv[14];
  double *a[7], s[7];
  size_t len[7];
  if (!args(env, info, 14, argv)) THROW(env, "adam: expected 7 Float64Arrays and 7 numbers");
  for (int i = 0; i < 7; i++)
    if (!f64(env, argv[i], &a[i], &len[i])) THROW(env, "adam: expected (th, g, m0, v0, out, m1, v1: Float64Array, …)");
  for (int i = 0; i < 7; i++)
    if (napi_get_value_double(env, argv[7 + i], &s[i]) != napi_ok)
      THROW(env, "adam: expected (…, shrink, l2, b1, b2, stepSize, bc2Sqrt, eps: number)");
  for (int i = 1; i < 7; i++)
    if (len[i] < len[0]) THROW(env, "adam: operand too short");
  adam_leaf(a[0], a[1], a[2], a[3], a[4], a[5], a[6], len[0], s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
  return NULL;
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
  dot_batched(nb, m, n, k, a, sa, b, sb, c);
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
  rows_batched(nb, m, n, k, a, sa, transA, b, sb, c);
  return NULL;
}

void stream_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    METHOD("biasAct", bias_act_js),
    METHOD("reluMask", relu_mask_js),
    METHOD("tanhMask", tanh_mask_js),
    METHOD("colSums", col_sums_js),
    METHOD("addTo", add_to_js),
    METHOD("sgd", sgd_js),
    METHOD("addLayerNorm", add_layer_norm_js),
    METHOD("layerNormBackwardAdd", layer_norm_backward_add_js),
    METHOD("reluBackwardColSums", relu_backward_col_sums_js),
    METHOD("adam", adam_js),
    METHOD("permuteHeads", permute_heads_js),
    METHOD("dotBatched", dot_batched_js),
    METHOD("rowsBatched", rows_batched_js),
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  softmax_define(env, exports);
}
