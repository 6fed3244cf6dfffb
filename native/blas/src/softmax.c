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

#undef CLONES /* stream.h's; these kernels pick their own targets */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define CLONES __attribute__((target_clones("arch=skylake-avx512", "avx2", "default")))
#else
#define CLONES
#endif

/*
 * exp over an array, four lanes at a time: fdlibm_exp's operations on its main path, written as
 * one branch-free sequence (GCC vector extensions of 256 bits: AVX-512VL, AVX2 or two SSE2 halves
 * by target clone; GCC 12 turned the 512-bit form's comparisons into scalar code), with
 * every lane off that path — |x| < 2⁻²⁸, |x| ≥ 709.78…, NaN, x = 1, or a scale 2^k outside
 * [2⁻¹⁰²¹, 2¹⁰²³] — redone by fdlibm_exp itself. The three reductions of fdlibm_exp are one
 * computation with the multiple t of ln2 chosen per lane:
 *   |x| ≤ ln2/2:         t = 0, so hi = x − 0·ln2_hi = x, lo = 0, r = x, and
 *                        1 − ((lo − q) − hi) = 1 − ((−q) − x) with q = r·c/(2 − c) = −r·c/(c − 2)
 *                        exactly (IEEE negation and division are sign-symmetric; when q = ±0 the
 *                        sign of 0 − q is absorbed by x ≠ 0): fdlibm's k = 0 result, times 2⁰;
 *   ln2/2 < |x| < 3ln2/2: t = ±1: x − (±1)·ln2_hi = x ∓ ln2_hi and (±1)·ln2_lo exactly fdlibm's
 *                        hi and lo for k = ±1;
 *   otherwise:           t = (int)(x/ln2 ± 1/2), fdlibm's own.
 * So every lane gets fdlibm_exp's bits (test/kernels/softmaxNative.test.ts).
 */
typedef double v4d __attribute__((vector_size(32)));
typedef int64_t v4l __attribute__((vector_size(32)));
typedef int32_t v4i __attribute__((vector_size(16)));

/* Lanes of a where the mask m is set, of b elsewhere (a macro: a function passing vectors by value
 * would have an ABI that depends on the target). */
#define select4(m, a, b) ((v4d)(((m) & (v4l)(a)) | (~(m) & (v4l)(b))))

static inline __attribute__((always_inline)) void exp4(const double *in, double *out) {
  const double ln2_hi = 0x1.62e42feep-1, ln2_lo = 0x1.a39ef35793c76p-33, inv_ln2 = 0x1.71547652b82fep+0;
  const double P1 = 0x1.555555555553ep-3, P2 = -0x1.6c16c16bebd93p-9, P3 = 0x1.1566aaf25de2cp-14,
               P4 = -0x1.bbd41c5d26bf1p-20, P5 = 0x1.6376972bea4d0p-25;
  const v4d zero = {0}, one = zero + 1.0, two = zero + 2.0, half = zero + 0.5;
  v4d x;
  memcpy(&x, in, sizeof x);
  const v4l u = (v4l)x;
  const v4l hx = (u >> 32) & 0x7fffffff;
  const v4l neg = u < 0;
  v4l fast = (hx >= 0x3e300000) & (hx < 0x40862e42) & (x != one);
  const v4d xs = select4(fast, x, zero); /* off-path lanes: 0, so that the conversion stays in range */
  const v4d tC = __builtin_convertvector(__builtin_convertvector(inv_ln2 * xs + select4(neg, -half, half), v4i), v4d);
  v4d t = select4(hx < 0x3ff0a2b2, select4(neg, -one, one), tC);
  t = select4(hx > 0x3fd62e42, t, zero);
  const v4l k = __builtin_convertvector(__builtin_convertvector(t, v4i), v4l);
  fast &= (k >= -1021) & (k <= 1023);
  const v4d two_pk = (v4d)((k + 1023) << 52);
  const v4d hi = x - t * ln2_hi, lo = t * ln2_lo;
  const v4d r = hi - lo;
  const v4d rr = r * r;
  const v4d c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
  const v4d q = (r * c) / (two - c);
  const v4d y = (one - ((lo - q) - hi)) * two_pk;
  memcpy(out, &y, sizeof y);
  const v4l slow = ~fast;
  if ((slow[0] | slow[1] | slow[2] | slow[3]) != 0)
    for (int l = 0; l < 4; l++)
      if (slow[l]) out[l] = fdlibm_exp(x[l]); /* x: the lanes as read (out may be in) */
}

/* out[i] = fdlibm_exp(x[i]), i < n; out may be x. */
CLONES static void exp_array(const double *x, double *out, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) exp4(x + i, out + i);
  if (i == n) return;
  double pad[4] = {0.5, 0.5, 0.5, 0.5};
  memcpy(pad, x + i, (n - i) * sizeof *x);
  exp4(pad, pad);
  memcpy(out + i, pad, (n - i) * sizeof *x);
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

/* Rows are walked in pieces of at most CHUNK elements through a local buffer (the exps of a piece). */
#define CHUNK 256

/* Σ_j exp(x[j] − m) over one row, in order from 0; with e, each exp stored at e[j] too. */
static double shifted_exp_sum(const double *x, size_t d, double m, double *e) {
  double buf[CHUNK], s = 0;
  for (size_t j0 = 0; j0 < d; j0 += CHUNK) {
    const size_t len = d - j0 < CHUNK ? d - j0 : CHUNK;
    for (size_t j = 0; j < len; j++) buf[j] = x[j0 + j] - m;
    exp_array(buf, buf, len);
    for (size_t j = 0; j < len; j++) s += buf[j];
    if (e != NULL) memcpy(e + j0, buf, len * sizeof *buf);
  }
  return s;
}

static void log_softmax_rows(const double *x, size_t rows, size_t d, double *out) {
  for (size_t r = 0; r < rows; r++) {
    const double *xr = x + r * d;
    double *o = out + r * d;
    const double m = row_shift(xr, d);
    const double ls = fdlibm_log(shifted_exp_sum(xr, d, m, NULL));
    for (size_t j = 0; j < d; j++) o[j] = xr[j] - m - ls;
  }
}

static void softmax_rows(const double *x, size_t rows, size_t d, double *out) {
  for (size_t r = 0; r < rows; r++) {
    double *o = out + r * d;
    const double s = shifted_exp_sum(x + r * d, d, row_shift(x + r * d, d), o);
    const double inv = 1 / s;
    for (size_t j = 0; j < d; j++) o[j] *= inv;
  }
}

static void log_softmax_backward(const double *g, const double *y, size_t rows, size_t d, double *dx) {
  double buf[CHUNK];
  for (size_t r = 0; r < rows; r++) {
    const size_t o = r * d;
    double s = 0;
    for (size_t j = 0; j < d; j++) s += g[o + j];
    for (size_t j0 = 0; j0 < d; j0 += CHUNK) {
      const size_t len = d - j0 < CHUNK ? d - j0 : CHUNK;
      exp_array(y + o + j0, buf, len);
      for (size_t j = 0; j < len; j++) dx[o + j0 + j] = g[o + j0 + j] - buf[j] * s;
    }
  }
}

/*
 * The cross-entropy of each row of z against its label and the seed of the reverse pass, with
 * the TypeScript twin's bits. There the one-hot factor h = (j == label ? 1 : 0) is multiplied in
 * and every product summed in memory order from +0: the loss Σ lp·h, each row's Σ lp·h, and the
 * seed's Σ scale·h. A running sum that starts at +0 is never −0 (x + y = −0 needs both −0), and
 * adding ±0 to anything but −0 leaves it unchanged, so where a row's log-probabilities are all
 * finite (its other products ±0) these sums are exactly total + lp[label], 0 + lp[label] and
 * 0 + scale = scale (scale ≠ 0) — the multiplications by h give lp[label]·1 = lp[label],
 * scale·1 = scale and scale·0 = −0 (scale < 0). A row with an infinite or NaN log-probability
 * (∞·0 = NaN) takes the literal loop.
 * The exps run over the whole array at once (rows are short): z − m into logp, their exps into
 * gz (both overwritten later; gz must not be logp, z is not read after the first pass).
 */
static double xent_seed(const double *z, const double *labels, size_t rows, size_t C, double *logp, double *gz,
                        double *per_row) {
  const size_t n = rows * C;
  for (size_t r = 0; r < rows; r++) {
    const size_t o = r * C;
    const double m = row_shift(z + o, C);
    for (size_t j = 0; j < C; j++) logp[o + j] = z[o + j] - m;
  }
  exp_array(logp, gz, n);
  const double scale = -1 / (per_row == NULL ? (double)rows : 1.0);
  double total = 0;
  for (size_t r = 0; r < rows; r++) {
    const size_t o = r * C;
    double s = 0;
    for (size_t j = 0; j < C; j++) s += gz[o + j];
    const double ls = fdlibm_log(s);
    const double label = labels[r];
    bool finite = true;
    for (size_t j = 0; j < C; j++) {
      const double lp = logp[o + j] - ls;
      logp[o + j] = lp;
      finite &= isfinite(lp);
    }
    double row = 0;
    if (finite) {
      const double c = logp[o + (size_t)label];
      total += c;
      row += c;
    } else {
      for (size_t j = 0; j < C; j++) {
        const double c = logp[o + j] * ((double)j == label ? 1.0 : 0.0);
        total += c;
        row += c;
      }
    }
    if (per_row != NULL) per_row[r] = -row;
  }
  exp_array(logp, gz, n);
  const double sg = 0 + scale;
  for (size_t r = 0; r < rows; r++) {
    const size_t o = r * C, label = (size_t)labels[r];
    for (size_t j = 0; j < C; j++) gz[o + j] = (j == label ? scale : -0.0) - gz[o + j] * sg;
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
  if (gz == logp && rows * C > 0) THROW(env, "xentSeed: gz and logp must differ");
  for (size_t r = 0; r < rows; r++)
    if (!(labels[r] >= 0 && labels[r] < (double)C && labels[r] == floor(labels[r])))
      THROW(env, "xentSeed: a label is not a class in [0, C)");
  return number(env, xent_seed(z, labels, rows, C, logp, gz, per_row));
}

typedef void (*array_fn)(const double *, double *, size_t);

static void log_array(const double *x, double *out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = fdlibm_log(x[i]);
}

static napi_value map_js(napi_env env, napi_callback_info info, const char *name, array_fn fn) {
  napi_value argv[2];
  double *x, *out;
  size_t lx, lo;
  if (!args(env, info, 2, argv) || !f64(env, argv[0], &x, &lx) || !f64(env, argv[1], &out, &lo) || lo < lx) {
    napi_throw_error(env, NULL, name);
    return NULL;
  }
  fn(x, out, lx);
  return NULL;
}

static napi_value exp_into_js(napi_env env, napi_callback_info info) {
  return map_js(env, info, "expInto: expected (x, out: Float64Array), out at least as long", exp_array);
}

static napi_value log_into_js(napi_env env, napi_callback_info info) {
  return map_js(env, info, "logInto: expected (x, out: Float64Array), out at least as long", log_array);
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
