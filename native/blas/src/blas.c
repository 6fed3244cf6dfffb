/*
 * shocklens-blas: C = op(A)·op(B) through OpenBLAS, row-major, transposes passed as flags (no
 * transposed copy). JavaScript calls
 *   dgemm(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff)   (Float64Array operands)
 * with element offsets into the typed arrays; C is overwritten (beta = 0). Plus
 * setThreads(n), getThreads(), config() (openblas_get_config) and corename(), and the streaming
 * kernels of stream.c, norm.c and heads.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <node_api.h>
#include <cblas.h>

#include "stream.h"

extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);

#define THROW(env, msg) do { napi_throw_error((env), NULL, (msg)); return NULL; } while (0)

/* Data pointer and element count of a typed array of the expected type. */
bool typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return false;
  napi_typedarray_type type;
  napi_value buf;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, data, &buf, &off) != napi_ok) return false;
  return type == want;
}

static napi_value dgemm(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 11) THROW(env, "dgemm: expected 11 arguments");
  int32_t m, n, k, aOff, bOff, cOff;
  bool tA, tB;
  if (napi_get_value_int32(env, argv[0], &m) != napi_ok || napi_get_value_int32(env, argv[1], &n) != napi_ok ||
      napi_get_value_int32(env, argv[2], &k) != napi_ok || napi_get_value_int32(env, argv[4], &aOff) != napi_ok ||
      napi_get_value_bool(env, argv[5], &tA) != napi_ok || napi_get_value_int32(env, argv[7], &bOff) != napi_ok ||
      napi_get_value_bool(env, argv[8], &tB) != napi_ok || napi_get_value_int32(env, argv[10], &cOff) != napi_ok)
    THROW(env, "dgemm: bad scalar argument");
  if (m < 0 || n < 0 || k < 0 || aOff < 0 || bOff < 0 || cOff < 0) THROW(env, "dgemm: negative size or offset");
  void *a, *b, *c;
  size_t la, lb, lc;
  if (!typed(env, argv[3], napi_float64_array, &a, &la) || !typed(env, argv[6], napi_float64_array, &b, &lb) ||
      !typed(env, argv[9], napi_float64_array, &c, &lc))
    THROW(env, "dgemm: operands must be Float64Arrays");
  if ((size_t)aOff + (size_t)m * k > la || (size_t)bOff + (size_t)k * n > lb || (size_t)cOff + (size_t)m * n > lc)
    THROW(env, "dgemm: operand too short for the given sizes and offsets");
  if (m == 0 || n == 0) return NULL;
  int lda = tA ? m : k, ldb = tB ? k : n;
  if (lda < 1) lda = 1;
  if (ldb < 1) ldb = 1;
  enum CBLAS_TRANSPOSE ta = tA ? CblasTrans : CblasNoTrans, tb = tB ? CblasTrans : CblasNoTrans;
  cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, (double *)a + aOff, lda, (double *)b + bOff, ldb, 0.0,
              (double *)c + cOff, n);
  return NULL;
}


static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t t;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 ||
      napi_get_value_int32(env, argv[0], &t) != napi_ok || t < 1)
    THROW(env, "setThreads: expected a positive integer");
  openblas_set_num_threads(t);
  return NULL;
}

static napi_value get_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_int32(env, openblas_get_num_threads(), &r);
  return r;
}

static napi_value str(napi_env env, const char *s) {
  napi_value r;
  napi_create_string_utf8(env, s ? s : "", NAPI_AUTO_LENGTH, &r);
  return r;
}

static napi_value config(napi_env env, napi_callback_info info) { (void)info; return str(env, openblas_get_config()); }
static napi_value corename(napi_env env, napi_callback_info info) { (void)info; return str(env, openblas_get_corename()); }

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    METHOD("dgemm", dgemm),
    METHOD("setThreads", set_threads),
    METHOD("getThreads", get_threads),
    METHOD("config", config),
    METHOD("corename", corename),
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  stream_define(env, exports);
  norm_define(env, exports);
  heads_define(env, exports);
  sparse_define(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
