/* What the addon's C files share: the typed-array check and the argument readers, the
 * method-table entry, the error and target-clone macros, the vector types, and the registration
 * of the kernels on the addon's exports (stream_define, called by blas.c's init). */
#ifndef SHOCKLENS_STREAM_H
#define SHOCKLENS_STREAM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <node_api.h>

/* An entry of a napi_define_properties table: the JavaScript name and the C function. */
#define METHOD(name, fn) {(name), NULL, (fn), NULL, NULL, NULL, napi_enumerable, NULL}

#define THROW(env, msg) do { napi_throw_error((env), NULL, (msg)); return NULL; } while (0)

/* AVX-512, AVX2 and baseline versions of a kernel, one picked at load (GCC on x86-64). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

/* Four (two) doubles as one vector (GCC vector extensions: element-wise IEEE operations, no FMA
 * under -ffp-contract=off), and the same types for loads at any 8-byte boundary. Where a scalar
 * kernel keeps k interleaved partial sums, a k-lane vector holds them: each lane performs the
 * scalar operations in their order, so the bits are the same. */
typedef double v4d __attribute__((vector_size(32)));
typedef double v4u __attribute__((vector_size(32), aligned(8)));
typedef double v2d __attribute__((vector_size(16)));
typedef double v2u __attribute__((vector_size(16), aligned(8)));

/* Data pointer and element count of a typed array of the expected type (false otherwise). */
bool typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len);

/* Data pointer and element count of a Float64Array (false for anything else). */
static inline bool f64(napi_env env, napi_value v, double **data, size_t *len) {
  void *p;
  if (!typed(env, v, napi_float64_array, &p, len)) return false;
  *data = p;
  return true;
}

/* A non-negative integer argument. */
static inline bool count(napi_env env, napi_value v, size_t *out) {
  int64_t x;
  if (napi_get_value_int64(env, v, &x) != napi_ok || x < 0) return false;
  *out = (size_t)x;
  return true;
}

/* Exactly `want` arguments into argv. */
static inline bool args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  return napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == want;
}

/* A Float64Array, or null (→ NULL, length 0). */
static inline bool f64_or_null(napi_env env, napi_value v, double **data, size_t *len) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_null) {
    *data = NULL;
    *len = 0;
    return true;
  }
  return f64(env, v, data, len);
}

void stream_define(napi_env env, napi_value exports);
/* softmax.c's kernels on the exports (called by stream_define). */
void softmax_define(napi_env env, napi_value exports);
/* norm.c: the transformer's layer norms and embedding rows; heads.c: attention's small products. */
void norm_define(napi_env env, napi_value exports);
void heads_define(napi_env env, napi_value exports);
/* sparse.c: the weight gradient that skips relu's zeros, and its probe against OpenBLAS. */
void sparse_define(napi_env env, napi_value exports);
#endif
