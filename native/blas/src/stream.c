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
 *   reluBackwardColSums(g, h, rows, n, dx, db)
 *                                     dx ← h > 0 ? g : 0, db[j] ← Σ_r dx[r, j] in row order from 0
 *   adam(th, g, m0, v0, out, m1, v1, shrink, l2, b1, b2, stepSize, bc2Sqrt, eps)
 *                                     one leaf of Adam/AdamW (src/core/kernels/adamLeaf.ts)
 *   copyRows(src, sOff, sStride, dst, dOff, dStride, rows, n)
 *                                     row r (n values) from src at sOff + r·sStride to dst at
 *                                     dOff + r·dStride: copies (the last position's logits and back)
 *
 * The transformer's layer norms and embedding rows are in norm.c, attention's products in heads.c.
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

/* Adam's element update for one form (the flags constant after inlining, so the loop has no
 * branch). ivdep: the outputs may be the inputs only element for element (in place), which is no
 * dependence between iterations, so the loop vectorises; each element's arithmetic is unchanged. */
static inline __attribute__((always_inline)) void adam_form(const double *th, const double *g, const double *m0,
                                                            const double *v0, double *out, double *m1, double *v1,
                                                            size_t n, bool decoupled, double shrink, bool coupled,
                                                            double l2, double b1, double b2, double ns,
                                                            double bc2Sqrt, double eps) {
  const double c1 = 1 - b1, c2 = 1 - b2;
#pragma GCC ivdep
  for (size_t i = 0; i < n; i++) {
    const double t = th[i];
    const double x = decoupled ? t * shrink : t;
    const double gi = coupled ? g[i] + l2 * t : g[i];
    const double mi = m0[i] * b1 + c1 * gi;
    const double vi = v0[i] * b2 + c2 * gi * gi;
    m1[i] = mi;
    v1[i] = vi;
    out[i] = x + (ns * mi) / (sqrt(vi) / bc2Sqrt + eps);
  }
}

CLONES static void adam_leaf(const double *th, const double *g, const double *m0, const double *v0, double *out,
                             double *m1, double *v1, size_t n, double shrink, double l2, double b1, double b2,
                             double stepSize, double bc2Sqrt, double eps) {
  const double ns = -stepSize;
  if (shrink == 1 && l2 == 0) adam_form(th, g, m0, v0, out, m1, v1, n, false, 1, false, 0, b1, b2, ns, bc2Sqrt, eps);
  else if (shrink == 1) adam_form(th, g, m0, v0, out, m1, v1, n, false, 1, true, l2, b1, b2, ns, bc2Sqrt, eps);
  else if (l2 == 0) adam_form(th, g, m0, v0, out, m1, v1, n, true, shrink, false, 0, b1, b2, ns, bc2Sqrt, eps);
  else adam_form(th, g, m0, v0, out, m1, v1, n, true, shrink, true, l2, b1, b2, ns, bc2Sqrt, eps);
}

static void copy_rows(const double *src, size_t sStride, double *dst, size_t dStride, size_t rows, size_t n) {
  for (size_t r = 0; r < rows; r++) memcpy(dst + r * dStride, src + r * sStride, n * sizeof(double));
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

/* Elements reached by `rows` rows of n, the first at off, `stride` apart. */
static size_t reach(size_t off, size_t stride, size_t rows, size_t n) {
  return rows == 0 || n == 0 ? 0 : off + (rows - 1) * stride + n;
}

static napi_value copy_rows_js(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  double *src, *dst;
  size_t ls, ld, sOff, sStride, dOff, dStride, rows, n;
  if (!args(env, info, 8, argv) || !f64(env, argv[0], &src, &ls) || !count(env, argv[1], &sOff) ||
      !count(env, argv[2], &sStride) || !f64(env, argv[3], &dst, &ld) || !count(env, argv[4], &dOff) ||
      !count(env, argv[5], &dStride) || !count(env, argv[6], &rows) || !count(env, argv[7], &n))
    THROW(env, "copyRows: expected (src, sOff, sStride, dst, dOff, dStride, rows, n)");
  if (ls < reach(sOff, sStride, rows, n) || ld < reach(dOff, dStride, rows, n)) THROW(env, "copyRows: operand too short");
  if (rows > 0 && n > 0 && src == dst) THROW(env, "copyRows: src and dst must differ");
  copy_rows(src + sOff, sStride, dst + dOff, dStride, rows, n);
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
    METHOD("reluBackwardColSums", relu_backward_col_sums_js),
    METHOD("adam", adam_js),
    METHOD("copyRows", copy_rows_js),
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  softmax_define(env, exports);
}
