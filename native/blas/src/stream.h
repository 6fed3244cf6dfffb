/* What blas.c and stream.c share: the typed-array check, the method-table entry, and stream.c's
 * registration on the addon's exports (called by blas.c's init). */
#ifndef SHOCKLENS_STREAM_H
#define SHOCKLENS_STREAM_H
#include <stdbool.h>
#include <stddef.h>
#include <node_api.h>

/* An entry of a napi_define_properties table: the JavaScript name and the C function. */
#define METHOD(name, fn) {(name), NULL, (fn), NULL, NULL, NULL, napi_enumerable, NULL}

/* Data pointer and element count of a typed array of the expected type (false otherwise). */
bool typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len);

void stream_define(napi_env env, napi_value exports);
#endif
