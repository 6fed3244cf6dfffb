/*
 * shocklens-blas, a weight gradient that skips relu's zeros (docs/performance.md
 * §skipping-relu-zeros):
 *
 *   skipZerosTN(m, n, k, a, aOff, b, bOff, c, cOff) → true, or false when it declined
 *                                     C = Aᵀ·B (A: k × m, B: k × n, C: m × n, row-major), each
 *                                     C[j, col] one fused multiply-add chain over p = 0 … k−1 in
 *                                     order, from +0, with the terms whose A[p, j] is ±0 left out
 *   skipZerosProbe(m, n, k)           whether, for that shape, skipZerosTN gives OpenBLAS's
 *                                     cblas_dgemm bits on operands made to tell summation orders
 *                                     apart (half of A zero, magnitudes 2⁻²⁰ … 2²⁰)
 *
 * Why: in a relu network's reverse pass the cotangent g of a hidden layer is zero wherever the
 * unit was off — about half of it — and the weight gradient gᵀ·a spends half its multiply-adds on
 * those zeros. Where OpenBLAS computes this product as one FMA chain over k per element (its
 * Cooper Lake / Skylake-X kernel at one thread does, for the shapes probed), leaving out a term
 * 0·b changes nothing but possibly the sign of a zero sum, and only when products underflow: the
 * chain starts at +0, and x + (±0) = x for every x ≠ 0. The caller (src/core/backends/gemm)
 * uses this only for shapes whose probe matched, so every product keeps the dense product's bits.
 *
 * How: for each j the nonzero A[p, j] are listed with their p (in order), then C is formed in
 * blocks of 32 columns: the block of B (k × 32) is copied into a contiguous buffer that stays in
 * L1, and every C[j, block] is four AVX-512 accumulators fed by the listed rows. A strided B
 * (one 6 KB row apart per p) thrashed the TLB and ran slower than OpenBLAS; the copied block runs
 * at about two thirds of OpenBLAS's time at half density (measured: docs/performance.md).
 *
 * It declines (returns false, C unspecified) when the CPU has no AVX-512, when more than
 * MAX_DENSITY of A is nonzero (the dense kernel is then faster), when k is too large for the
 * block to stay in cache, or when B holds an infinity or NaN (0·∞ is NaN, so a skipped term
 * would not be neutral); the caller then calls cblas_dgemm.
 */
#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define HAVE_X86 1
#else
#define HAVE_X86 0
#endif

/* Above this share of nonzeros in A the skipping kernel gains little: it breaks even with OpenBLAS
 * at about 0.77 (measured at 64 × 784 × 128); 0.7 leaves a margin. */
#define MAX_DENSITY 0.7
/* Rows of the copied block of B: k × 32 doubles must stay in L1/L2 (2048 rows = 512 KB). */
#define MAX_K 2048
#define BLOCK 32

/* Per-thread scratch (worker threads call the addon concurrently): the lists and the copied block. */
typedef struct {
  int32_t *rows;   /* m × k: for output row j, the p with A[p, j] ≠ 0, in order */
  double *values;  /* m × k: those A[p, j] */
  int32_t *counts; /* m */
  double *block;   /* k × 32 */
  size_t cap_rows, cap_values, cap_counts, cap_block; /* elements each holds */
} Scratch;

/* *p holds at least `want` elements of `size` bytes afterwards (64-byte aligned, grown by
 * replacing it), or false when memory ran out. */
static bool reserve(void **p, size_t *cap, size_t want, size_t size) {
  if (*cap >= want) return true;
  free(*p);
  const size_t bytes = (want * size + 63) & ~(size_t)63; /* aligned_alloc wants a multiple of the alignment */
  *p = aligned_alloc(64, bytes);
  *cap = *p != NULL ? want : 0;
  return *p != NULL;
}

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p) {
  Scratch *s = p;
  free(s->rows);
  free(s->values);
  free(s->counts);
  free(s->block);
  free(s);
}

static void scratch_key_init(void) { pthread_key_create(&scratch_key, scratch_free); }

static Scratch *scratch(size_t m, size_t k) {
  pthread_once(&scratch_once, scratch_key_init);
  Scratch *s = pthread_getspecific(scratch_key);
  if (s == NULL) {
    s = calloc(1, sizeof *s);
    if (s == NULL || pthread_setspecific(scratch_key, s) != 0) {
      free(s);
      return NULL;
    }
  }
  if (!reserve((void **)&s->rows, &s->cap_rows, m * k, sizeof(int32_t)) ||
      !reserve((void **)&s->values, &s->cap_values, m * k, sizeof(double)) ||
      !reserve((void **)&s->counts, &s->cap_counts, m, sizeof(int32_t)) ||
      !reserve((void **)&s->block, &s->cap_block, k * BLOCK, sizeof(double)))
    return NULL;
  return s;
}

/* Appends A[p, j] (p in [p0, p1)) to column j's list when it is not ±0, for j in [j0, j1). */
static void list_scalar(size_t m, size_t k, const double *a, Scratch *s, size_t j0, size_t j1, size_t p0, size_t p1) {
  int32_t *counts = s->counts;
  for (size_t p = p0; p < p1; p++) {
    const double *ap = a + p * m;
    for (size_t j = j0; j < j1; j++) {
      const double v = ap[j];
      const int32_t c = counts[j];
      s->rows[j * k + c] = (int32_t)p; /* written always, kept only when v ≠ 0 (no branch) */
      s->values[j * k + c] = v;
      counts[j] = c + (v != 0);
    }
  }
}

#if HAVE_X86
/* How many of A's n values are not ±0 (NaN counts, as in the listing): the density test runs
 * before the lists are built, so a declined product costs one pass over A. */
__attribute__((target("avx512f"))) static size_t count_nonzeros(size_t n, const double *a) {
  const __m512d zero = _mm512_setzero_pd();
  size_t total = 0, i = 0;
  for (; i + 8 <= n; i += 8)
    total += (size_t)__builtin_popcount(_mm512_cmp_pd_mask(_mm512_loadu_pd(a + i), zero, _CMP_NEQ_UQ));
  for (; i < n; i++) total += a[i] != 0;
  return total;
}

/* Lists the nonzeros of each column j of A (k × m) in row order: 8 × 8 tiles transposed in
 * registers, each column's nonzeros (and their p) compressed and stored as a whole vector — the
 * list of column j holds at most p0 entries before rows p0 … p0 + 7, so the 8 stored never reach
 * past its k slots. The columns and rows beyond the multiples of 8, one by one, in the same order. */
__attribute__((target("avx512f,avx512vl"))) static void list_nonzeros(size_t m, size_t k, const double *a,
                                                                      Scratch *s) {
  memset(s->counts, 0, m * sizeof(int32_t));
  const size_t m8 = m & ~(size_t)7, k8 = k & ~(size_t)7;
  const __m512d zero = _mm512_setzero_pd();
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m512i lo = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13), hi = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
  const __m512i first = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11), second = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
  for (size_t j0 = 0; j0 < m8; j0 += 8) {
    for (size_t p0 = 0; p0 < k8; p0 += 8) {
      const double *ap = a + p0 * m + j0;
      __m512d r[8], t[8], u[8], col[8];
      for (int i = 0; i < 8; i++) r[i] = _mm512_loadu_pd(ap + i * m);
      for (int i = 0; i < 8; i += 2) {
        t[i] = _mm512_unpacklo_pd(r[i], r[i + 1]); /* rows i, i+1 of columns 0, 2, 4, 6 */
        t[i + 1] = _mm512_unpackhi_pd(r[i], r[i + 1]); /* … of columns 1, 3, 5, 7 */
      }
      for (int h = 0; h < 8; h += 4) /* rows h … h+3: u[h] columns 0|4, u[h+1] 2|6, u[h+2] 1|5, u[h+3] 3|7 */
        for (int odd = 0; odd < 2; odd++) {
          u[h + 2 * odd] = _mm512_permutex2var_pd(t[h + odd], lo, t[h + 2 + odd]);
          u[h + 2 * odd + 1] = _mm512_permutex2var_pd(t[h + odd], hi, t[h + 2 + odd]);
        }
      static const int column_of[4] = {0, 2, 1, 3}; /* u[i] (i < 4) holds columns column_of[i] and that + 4 */
      for (int i = 0; i < 4; i++) {
        col[column_of[i]] = _mm512_permutex2var_pd(u[i], first, u[i + 4]);
        col[column_of[i] + 4] = _mm512_permutex2var_pd(u[i], second, u[i + 4]);
      }
      const __m256i p = _mm256_add_epi32(lane, _mm256_set1_epi32((int32_t)p0));
      for (int i = 0; i < 8; i++) {
        const size_t j = j0 + (size_t)i;
        const __mmask8 nz = _mm512_cmp_pd_mask(col[i], zero, _CMP_NEQ_UQ);
        const int32_t c = s->counts[j];
        _mm512_storeu_pd(s->values + j * k + c, _mm512_maskz_compress_pd(nz, col[i]));
        _mm256_storeu_si256((__m256i *)(s->rows + j * k + c), _mm256_maskz_compress_epi32(nz, p));
        s->counts[j] = c + __builtin_popcount(nz);
      }
    }
    list_scalar(m, k, a, s, j0, j0 + 8, k8, k);
  }
  list_scalar(m, k, a, s, m8, m, 0, k);
}

/* The first `left` lanes of eight (all eight when left ≥ 8). */
static inline __mmask8 lanes(size_t left) { return left >= 8 ? 0xff : (__mmask8)((1u << left) - 1); }

/* Copies columns [col, col + width) of B (k × n) into block (k rows of nv·8, zero-padded); false
 * when one of them is not finite. */
__attribute__((target("avx512f"))) static bool copy_block(size_t n, size_t k, const double *b, size_t col,
                                                          size_t width, size_t nv, double *block) {
  const __m512d zero = _mm512_setzero_pd();
  __mmask8 bad = 0;
  for (size_t p = 0; p < k; p++) {
    const double *bp = b + p * n + col;
    double *dst = block + p * nv * 8;
    for (size_t i = 0; i < nv; i++) {
      const __m512d v = _mm512_maskz_loadu_pd(lanes(width - i * 8), bp + i * 8);
      bad |= _mm512_cmp_pd_mask(_mm512_sub_pd(v, v), zero, _CMP_NEQ_UQ); /* x − x ≠ 0 ⇔ x = ±∞ or NaN */
      _mm512_store_pd(dst + i * 8, v);
    }
  }
  return bad == 0;
}

/* C[j, col … col + width) for every j, from the copied block: NV accumulators of 8, the last
 * stored under `last` (the block's final columns). */
#define BLOCK_PRODUCT(NV)                                                                                    \
  __attribute__((target("avx512f"))) static void block_product_##NV(                                     \
      size_t m, size_t n, size_t k, const Scratch *s, const double *block, double *c, size_t col,        \
      __mmask8 last) {                                                                                   \
    for (size_t j = 0; j < m; j++) {                                                                     \
      __m512d acc[NV];                                                                                   \
      for (int i = 0; i < NV; i++) acc[i] = _mm512_setzero_pd();                                         \
      const int32_t *rows = s->rows + j * k;                                                             \
      const double *values = s->values + j * k;                                                          \
      const int32_t count = s->counts[j];                                                                \
      for (int32_t t = 0; t < count; t++) {                                                              \
        const double *bp = block + (size_t)rows[t] * (NV * 8);                                           \
        const __m512d v = _mm512_set1_pd(values[t]);                                                     \
        for (int i = 0; i < NV; i++) acc[i] = _mm512_fmadd_pd(v, _mm512_load_pd(bp + i * 8), acc[i]);    \
      }                                                                                                  \
      double *cj = c + j * n + col;                                                                      \
      for (int i = 0; i + 1 < NV; i++) _mm512_storeu_pd(cj + i * 8, acc[i]);                             \
      _mm512_mask_storeu_pd(cj + (NV - 1) * 8, last, acc[NV - 1]);                                       \
    }                                                                                                    \
  }
BLOCK_PRODUCT(1)
BLOCK_PRODUCT(2)
BLOCK_PRODUCT(3)
BLOCK_PRODUCT(4)

__attribute__((target("avx512f"))) static bool products(size_t m, size_t n, size_t k, const double *b, double *c,
                                                        const Scratch *s) {
  for (size_t col = 0; col < n; col += BLOCK) {
    const size_t width = n - col < BLOCK ? n - col : BLOCK;
    const size_t nv = (width + 7) / 8;
    const __mmask8 last = lanes(width - (nv - 1) * 8);
    if (!copy_block(n, k, b, col, width, nv, s->block)) return false;
    switch (nv) {
      case 1: block_product_1(m, n, k, s, s->block, c, col, last); break;
      case 2: block_product_2(m, n, k, s, s->block, c, col, last); break;
      case 3: block_product_3(m, n, k, s, s->block, c, col, last); break;
      default: block_product_4(m, n, k, s, s->block, c, col, last); break;
    }
  }
  return true;
}
#endif

/* C = Aᵀ·B skipping A's zeros; false (C unspecified) when it declines. */
static bool skip_zeros_tn(size_t m, size_t n, size_t k, const double *a, const double *b, double *c) {
#if HAVE_X86
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512vl") || k == 0 || k > MAX_K || m == 0 || n == 0) return false;
  if ((double)count_nonzeros(m * k, a) > MAX_DENSITY * (double)m * (double)k) return false;
  Scratch *s = scratch(m, k);
  if (s == NULL) return false;
  list_nonzeros(m, k, a, s);
  return products(m, n, k, b, c, s);
#else
  (void)m, (void)n, (void)k, (void)a, (void)b, (void)c;
  return false;
#endif
}

static napi_value boolean(napi_env env, bool v) {
  napi_value r;
  napi_get_boolean(env, v, &r);
  return r;
}

static napi_value skip_zeros_tn_js(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  size_t m, n, k, aOff, bOff, cOff, la, lb, lc;
  double *a, *b, *c;
  if (!args(env, info, 9, argv)) THROW(env, "skipZerosTN: expected 9 arguments");
  if (!count(env, argv[0], &m) || !count(env, argv[1], &n) || !count(env, argv[2], &k) ||
      !count(env, argv[4], &aOff) || !count(env, argv[6], &bOff) || !count(env, argv[8], &cOff))
    THROW(env, "skipZerosTN: bad size or offset");
  if (!f64(env, argv[3], &a, &la) || !f64(env, argv[5], &b, &lb) || !f64(env, argv[7], &c, &lc))
    THROW(env, "skipZerosTN: operands must be Float64Arrays");
  if (aOff + m * k > la || bOff + k * n > lb || cOff + m * n > lc)
    THROW(env, "skipZerosTN: operand too short for the given sizes and offsets");
  return boolean(env, skip_zeros_tn(m, n, k, a + aOff, b + bOff, c + cOff));
}

/* A deterministic operand value: half zeros (for A), signs and exponents 2⁻²⁰ … 2²⁰ mixed, so that
 * two summation orders almost surely round differently somewhere. */
static double probe_value(uint64_t *state, bool zeros) {
  uint64_t x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  *state = x;
  if (zeros && (x & 1)) return (x & 2) ? 0.0 : -0.0;
  const double u = (double)(x >> 11) * (1.0 / 9007199254740992.0) - 0.5;
  return ldexp(u, (int)((x >> 3) % 41) - 20);
}

/* The largest operand (values) the probe builds: 128 MB; larger shapes are not probed (the caller
 * runs them dense). */
#define PROBE_MAX ((size_t)1 << 24)

static bool skip_zeros_probe(size_t m, size_t n, size_t k) {
  double *a = malloc(m * k * sizeof(double)), *b = malloc(k * n * sizeof(double));
  double *dense = malloc(m * n * sizeof(double)), *skipped = malloc(m * n * sizeof(double));
  bool same = false;
  if (a && b && dense && skipped) {
    uint64_t state = 0x9e3779b97f4a7c15ull ^ (m * 1000003u + n * 1009u + k);
    for (size_t i = 0; i < m * k; i++) a[i] = probe_value(&state, true);
    for (size_t i = 0; i < k * n; i++) b[i] = probe_value(&state, false);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0, a, (int)m, b, (int)n, 0.0, dense,
                (int)n);
    same = skip_zeros_tn(m, n, k, a, b, skipped) && memcmp(dense, skipped, m * n * sizeof(double)) == 0;
  }
  free(a);
  free(b);
  free(dense);
  free(skipped);
  return same;
}

static napi_value skip_zeros_probe_js(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t m, n, k;
  if (!args(env, info, 3, argv)) THROW(env, "skipZerosProbe: expected 3 arguments");
  if (!count(env, argv[0], &m) || !count(env, argv[1], &n) || !count(env, argv[2], &k) || m == 0 || n == 0 || k == 0 ||
      m * k > PROBE_MAX || k * n > PROBE_MAX || m * n > PROBE_MAX)
    THROW(env, "skipZerosProbe: sizes must be positive and each of A, B, C at most 2^24 values");
  return boolean(env, skip_zeros_probe(m, n, k));
}

void sparse_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    METHOD("skipZerosTN", skip_zeros_tn_js),
    METHOD("skipZerosProbe", skip_zeros_probe_js),
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
