/* What blas.c, stream.c and softmax.c share: the typed-array check, the argument readers, the
 * method-table entry, and the kernels' registration on the addon's exports (stream_define, called
 * by blas.c's init). */
#ifndef SHOCKLENS_STREAM_H
#define SHOCKLENS_STREAM_H
#include <stdbool.h>
#include <stddef.h>
#include <node_api.h>

/* An entry of a napi_define_properties table: the JavaScript name and the C function. */
#define METHOD(name, fn) {(name), NULL, (fn), NULL, NULL, NULL, napi_enumerable, NULL}

/* Throws a JavaScript Error with msg and returns NULL from the N-API callback. */
#define THROW(env, msg) do { napi_throw_error((env), NULL, (msg)); return NULL; } while (0)

/* Data pointer and element count of a typed array of the expected type (false otherwise). */
bool typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len);

/* The argument readers of stream.c's and softmax.c's callbacks: a Float64Array's data and length,
 * a non-negative integer, exactly `want` arguments. */
bool f64(napi_env env, napi_value v, double **data, size_t *len);
bool count(napi_env env, napi_value v, size_t *out);
bool args(napi_env env, napi_callback_info info, size_t want, napi_value *argv);

/* softmax.c's kernels on the exports (called by stream_define). */
void softmax_define(napi_env env, napi_value exports);

void stream_define(napi_env env, napi_value exports);
#endif
