/*
 * shocklens-blas, softmax kernels: row-wise softmax, log-softmax, its reverse pass and the fused
 * softmax cross-entropy with its seed, with exp and log that return exactly the bits of
 * JavaScript's Math.exp and Math.log in Node 20.
 *
 * Why a port: V8 (11.x, Node 20) computes Math.exp and Math.log with its own C++ rendering of
 * fdlibm's __ieee754_exp and __ieee754_log (FreeBSD msun's form: the result scaled by a power of
 * two 2^k built from its bits, exp(1) returned as the correctly rounded e), not the C library's.
 * The C library's exp differs from it in the last bit for a fraction of arguments, so a kernel
 * that called it would not return the TypeScript kernels' bits. fdlibm_exp and fdlibm_log below
 * perform fdlibm's algorithm operation for operation; compiled with -ffp-contract=off and without
 * -ffast-math every operation is the same correctly rounded IEEE operation as in V8, so the
 * results are the same bits (checked against Math.exp / Math.log on millions of arbitrary bit
 * patterns and the edge cases: test/kernels/softmaxNative.test.ts).
 *
 *   softmaxRows(x, rows, d, out)          out = exp(x − m)/Σ exp(x − m) per row, m the row max
 *                                         (0 when not finite), as 1/Σ times each exp
 *   logSoftmaxRows(x, rows, d, out)       out = (x − m) − log Σ exp(x − m) per row
 *   logSoftmaxBackward(g, y, rows, d, dx) dx = g − exp(y)·Σ g per row (y = log-softmax)
 *   xentSeed(z, labels, rows, C, logp, gz, perRow)
 *                                         logp = logSoftmax(z); the loss −Σ(logp ⊙ onehot)/rows
 *                                         (perRow: each row's −Σ_j logp·onehot, returned 0) and
 *                                         gz = logSoftmaxBackward(−onehot/rows (perRow: −onehot), logp)
 *   expInto(x, out)                       out[i] = exp(x[i]) (Math.exp's bits)
 *   logInto(x, out)                       out[i] = log(x[i]) (Math.log's bits)
 *
 * Each is src/core/kernels/fused.ts's / softmaxXent.ts's TypeScript twin expression for
 * expression, sums in the same order.
 *
 * The exp and log functions follow fdlibm 5.3 (e_exp.c, e_log.c), whose notice is:
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunSoft, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <node_api.h>

#include "stream.h"

static inline uint64_t bits_of(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

static inline double from_bits(uint64_t u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/*
 * exp(x): x = k·ln2 + r with |r| ≤ ln2/2 (r carried as hi − lo, ln2 split so that k·ln2_hi is
 * exact), exp(r) = 1 + r + r·c/(2 − c) with c = r − r²·P(r²) (a degree-5 Remez fit of
 * r·(e^r + 1)/(e^r − 1)), then exp(x) = 2^k·exp(r). Overflow above 709.78…, underflow below
 * −745.13…; |x| < 2⁻²⁸ gives 1 + x.
 */
static double fdlibm_exp(double x) {
  static const double half[2] = {0.5, -0.5};
  static const double ln2_hi[2] = {0x1.62e42feep-1, -0x1.62e42feep-1};
  static const double ln2_lo[2] = {0x1.a39ef35793c76p-33, -0x1.a39ef35793c76p-33};
  const double o_threshold = 0x1.62e42fefa39efp+9; /* 709.78…  */
  const double u_threshold = -0x1.74910d52d3051p+9; /* −745.13… */
  const double inv_ln2 = 0x1.71547652b82fep+0;
  const double P1 = 0x1.555555555553ep-3, P2 = -0x1.6c16c16bebd93p-9, P3 = 0x1.1566aaf25de2cp-14,
               P4 = -0x1.bbd41c5d26bf1p-20, P5 = 0x1.6376972bea4d0p-25;
  const double E = 0x1.5bf0a8b145769p+1;
  const double huge = 1.0e300, two_m1000 = 0x1p-1000, two_1023 = 0x1p1023;

  const uint64_t u = bits_of(x);
  const uint32_t high = (uint32_t)(u >> 32);
  const int sign = (int)(high >> 31);
  const uint32_t hx = high & 0x7fffffffu;
  double hi = 0, lo = 0;
  int32_t k = 0;

  if (hx >= 0x40862e42u) { /* |x| ≥ 709.78…: non-finite, overflow or underflow */
    if (hx >= 0x7ff00000u) {
      if (((hx & 0xfffffu) | (uint32_t)u) != 0) return x + x; /* NaN */
      return sign == 0 ? x : 0.0;                               /* exp(±∞) = ∞, 0 */
    }
    if (x > o_threshold) return huge * huge;
    if (x < u_threshold) return two_m1000 * two_m1000;
  }

  if (hx > 0x3fd62e42u) {   /* |x| > ln2/2 */
    if (hx < 0x3ff0a2b2u) { /* and |x| < 3·ln2/2: k = ±1 */
      if (x == 1.0) return E;
      hi = x - ln2_hi[sign];
      lo = ln2_lo[sign];
      k = 1 - sign - sign;
    } else {
      k = (int32_t)(inv_ln2 * x + half[sign]);
      const double t = k;
      hi = x - t * ln2_hi[0];
      lo = t * ln2_lo[0];
    }
    x = hi - lo;
  } else if (hx < 0x3e300000u) { /* |x| < 2⁻²⁸ */
    if (huge + x > 1.0) return 1.0 + x;
  } else {
    k = 0;
  }

  const double t = x * x;
  const double two_pk = k >= -1021 ? from_bits((uint64_t)(0x3ff00000u + ((uint32_t)k << 20)) << 32)
                                   : from_bits((uint64_t)(0x3ff00000u + ((uint32_t)(k + 1000) << 20)) << 32);
  const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * two_1023;
    return y * two_pk;
  }
  return y * two_pk * two_m1000;
}

/*
 * log(x): x = 2^k·(1 + f) with √2/2 < 1 + f < √2, log(1 + f) = f − s·(f − R) with s = f/(2 + f)
 * and R(s²) a degree-7 Remez fit of (log(1 + f) − 2s)/s… (fdlibm's Lg1 … Lg7), then
 * log(x) = k·ln2_hi − ((s·(f − R) − k·ln2_lo) − f), with the hfsq = f²/2 form where it is more
 * accurate and a short series for |f| < 2⁻²⁰. log(±0) = −∞, log(x < 0) = NaN, subnormals scaled by 2⁵⁴.
 */
static double fdlibm_log(double x) {
  const double ln2_hi = 0x1.62e42feep-1, ln2_lo = 0x1.a39ef35793c76p-33, two54 = 0x1p54;
  const double Lg1 = 0x1.5555555555593p-1, Lg2 = 0x1.999999997fa04p-2, Lg3 = 0x1.2492494229359p-2,
               Lg4 = 0x1.c71c51d8e78afp-3, Lg5 = 0x1.7466496cb03dep-3, Lg6 = 0x1.39a09d078c69fp-3,
               Lg7 = 0x1.2f112df3e5244p-3;
  const double zero = 0.0;
  uint64_t u = bits_of(x);
  int32_t hx = (int32_t)(u >> 32);
  const uint32_t lx = (uint32_t)u;
  int32_t k = 0;

  if (hx < 0x00100000) { /* x < 2⁻¹⁰²²: zero, negative or subnormal */
    if (((hx & 0x7fffffff) | (int32_t)lx) == 0) return -INFINITY;
    if (hx < 0) return NAN;
    k -= 54;
    x *= two54;
    hx = (int32_t)(bits_of(x) >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  int32_t i = (hx + 0x95f64) & 0x100000;
  /* x or x/2 into [√2/2, √2) */
  x = from_bits(((uint64_t)(uint32_t)(hx | (i ^ 0x3ff00000)) << 32) | (bits_of(x) & 0xffffffffu));
  k += i >> 20;
  const double f = x - 1.0;
  double dk;
  if ((0x000fffff & (2 + hx)) < 3) { /* −2⁻²⁰ ≤ f < 2⁻²⁰ */
    if (f == zero) {
      if (k == 0) return zero;
      dk = (double)k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    const double R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    dk = (double)k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  const double s = f / (2.0 + f);
  dk = (double)k;
  const double z = s * s;
  i = hx - 0x6147a;
  const double w = z * z;
  const int32_t j = 0x6b851 - hx;
  const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const double R = t2 + t1;
  if (i > 0) {
    const double hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

/* The shift of a row: its max (NaN if any is NaN), or 0 when that is not finite. */
static double row_shift(const double *x, size_t d) {
  double m = -INFINITY;
  for (size_t j = 0; j < d; j++) {
    const double v = x[j];
    if (v > m || v != v) m = v;
  }
  return isfinite(m) ? m : 0;
}

/* One row of log-softmax into out (out may be x). */
static void log_softmax_row(const double *x, size_t d, double *out) {
  const double m = row_shift(x, d);
  double s = 0;
  for (size_t j = 0; j < d; j++) s += fdlibm_exp(x[j] - m);
  const double ls = fdlibm_log(s);
  for (size_t j = 0; j < d; j++) out[j] = x[j] - m - ls;
}

static void log_softmax_rows(const double *x, size_t rows, size_t d, double *out) {
  for (size_t r = 0; r < rows; r++) log_softmax_row(x + r * d, d, out + r * d);
}

static void softmax_rows(const double *x, size_t rows, size_t d, double *out) {
  for (size_t r = 0; r < rows; r++) {
    const double *xr = x + r * d;
    double *o = out + r * d;
    const double m = row_shift(xr, d);
    double s = 0;
    for (size_t j = 0; j < d; j++) {
      const double e = fdlibm_exp(xr[j] - m);
      o[j] = e;
      s += e;
    }
    const double inv = 1 / s;
    for (size_t j = 0; j < d; j++) o[j] *= inv;
  }
}

static void log_softmax_backward(const double *g, const double *y, size_t rows, size_t d, double *dx) {
  for (size_t r = 0; r < rows; r++) {
    const size_t o = r * d;
    double s = 0;
    for (size_t j = 0; j < d; j++) s += g[o + j];
    for (size_t j = 0; j < d; j++) dx[o + j] = g[o + j] - fdlibm_exp(y[o + j]) * s;
  }
}

/*
 * The cross-entropy of each row of z against its label and the seed of the reverse pass, as the
 * TypeScript twin computes them: the one-hot factor h = (j == label ? 1 : 0) multiplied in (so
 * an infinite or NaN log-probability gives NaN, as ∞·0 does there), the loss summed over all
 * elements in memory order from 0, and the seed c = scale·h run through log-softmax's backward.
 */
static double xent_seed(const double *z, const double *labels, size_t rows, size_t C, double *logp, double *gz,
                        double *per_row) {
  const double scale = -1 / (per_row == NULL ? (double)rows : 1.0);
  double total = 0;
  for (size_t r = 0; r < rows; r++) {
    const size_t o = r * C;
    const double label = labels[r];
    double *lp = logp + o;
    log_softmax_row(z + o, C, lp);
    double row = 0;
    for (size_t j = 0; j < C; j++) {
      const double c = lp[j] * ((double)j == label ? 1.0 : 0.0);
      total += c;
      row += c;
    }
    if (per_row != NULL) per_row[r] = -row;
    double sg = 0;
    for (size_t j = 0; j < C; j++) sg += scale * ((double)j == label ? 1.0 : 0.0);
    for (size_t j = 0; j < C; j++) gz[o + j] = scale * ((double)j == label ? 1.0 : 0.0) - fdlibm_exp(lp[j]) * sg;
  }
  return per_row == NULL ? -(total / (double)rows) : 0;
}

static napi_value number(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

typedef void (*rows_kernel)(const double *, size_t, size_t, double *);

/* (x, rows, d, out) → kernel over rows × d. */
static napi_value rows_js(napi_env env, napi_callback_info info, const char *name, rows_kernel kernel) {
  napi_value argv[4];
  double *x, *out;
  size_t lx, lo, rows, d;
  if (!args(env, info, 4, argv) || !f64(env, argv[0], &x, &lx) || !count(env, argv[1], &rows) ||
      !count(env, argv[2], &d) || !f64(env, argv[3], &out, &lo)) {
    napi_throw_error(env, NULL, name);
    return NULL;
  }
  if (lx < rows * d || lo < rows * d) {
    napi_throw_error(env, NULL, "softmax kernel: operand too short");
    return NULL;
  }
  kernel(x, rows, d, out);
  return NULL;
}

static napi_value softmax_rows_js(napi_env env, napi_callback_info info) {
  return rows_js(env, info, "softmaxRows: expected (x: Float64Array, rows, d, out: Float64Array)", softmax_rows);
}

static napi_value log_softmax_rows_js(napi_env env, napi_callback_info info) {
  return rows_js(env, info, "logSoftmaxRows: expected (x: Float64Array, rows, d, out: Float64Array)",
                 log_softmax_rows);
}

static napi_value log_softmax_backward_js(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  double *g, *y, *dx;
  size_t lg, ly, ld, rows, d;
  if (!args(env, info, 5, argv) || !f64(env, argv[0], &g, &lg) || !f64(env, argv[1], &y, &ly) ||
      !count(env, argv[2], &rows) || !count(env, argv[3], &d) || !f64(env, argv[4], &dx, &ld))
    THROW(env, "logSoftmaxBackward: expected (g, y: Float64Array, rows, d, dx: Float64Array)");
  if (lg < rows * d || ly < rows * d || ld < rows * d) THROW(env, "logSoftmaxBackward: operand too short");
  log_softmax_backward(g, y, rows, d, dx);
  return NULL;
}

static napi_value xent_seed_js(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  double *z, *labels, *logp, *gz, *per_row = NULL;
  size_t lz, ll, lp, lg, lr = 0, rows, C;
  napi_valuetype t;
  if (!args(env, info, 7, argv) || !f64(env, argv[0], &z, &lz) || !f64(env, argv[1], &labels, &ll) ||
      !count(env, argv[2], &rows) || !count(env, argv[3], &C) || !f64(env, argv[4], &logp, &lp) ||
      !f64(env, argv[5], &gz, &lg) || napi_typeof(env, argv[6], &t) != napi_ok ||
      (t != napi_null && !f64(env, argv[6], &per_row, &lr)))
    THROW(env, "xentSeed: expected (z, labels: Float64Array, rows, C, logp, gz: Float64Array, perRow: Float64Array | null)");
  if (lz < rows * C || ll < rows || lp < rows * C || lg < rows * C || (per_row != NULL && lr < rows))
    THROW(env, "xentSeed: operand too short");
  for (size_t r = 0; r < rows; r++)
    if (!(labels[r] >= 0 && labels[r] < (double)C && labels[r] == floor(labels[r])))
      THROW(env, "xentSeed: a label is not a class in [0, C)");
  return number(env, xent_seed(z, labels, rows, C, logp, gz, per_row));
}

typedef double (*scalar_fn)(double);

static napi_value map_js(napi_env env, napi_callback_info info, const char *name, scalar_fn fn) {
  napi_value argv[2];
  double *x, *out;
  size_t lx, lo;
  if (!args(env, info, 2, argv) || !f64(env, argv[0], &x, &lx) || !f64(env, argv[1], &out, &lo) || lo < lx) {
    napi_throw_error(env, NULL, name);
    return NULL;
  }
  for (size_t i = 0; i < lx; i++) out[i] = fn(x[i]);
  return NULL;
}

static napi_value exp_into_js(napi_env env, napi_callback_info info) {
  return map_js(env, info, "expInto: expected (x, out: Float64Array), out at least as long", fdlibm_exp);
}

static napi_value log_into_js(napi_env env, napi_callback_info info) {
  return map_js(env, info, "logInto: expected (x, out: Float64Array), out at least as long", fdlibm_log);
}

void softmax_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    METHOD("softmaxRows", softmax_rows_js),
    METHOD("logSoftmaxRows", log_softmax_rows_js),
    METHOD("logSoftmaxBackward", log_softmax_backward_js),
    METHOD("xentSeed", xent_seed_js),
    METHOD("expInto", exp_into_js),
    METHOD("logInto", log_into_js),
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
