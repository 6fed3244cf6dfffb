/* The streaming kernels of stream.c, defined on the addon's exports by blas.c's init. */
#ifndef SHOCKLENS_STREAM_H
#define SHOCKLENS_STREAM_H
#include <node_api.h>
void stream_define(napi_env env, napi_value exports);
#endif
