/*
 * What the addon's C files share (every .c file in native/, built together by scripts/build-native.mjs): N-API
 * helpers that turn errno values into thrown Errors with `code`, and the functions init() exports.
 */
#ifndef DSMIP_NATIVE_H
#define DSMIP_NATIVE_H
#define _GNU_SOURCE
#include <node_api.h>
#include <stdint.h>

#define CHECK(call)                                                                                                  \
  do {                                                                                                               \
    if ((call) != napi_ok) return NULL;                                                                              \
  } while (0)

napi_value throw_errno(napi_env env, const char *what, int err);
int arg_int(napi_env env, napi_value v, int32_t *out);
napi_value make_int(napi_env env, int64_t v);

/* packet-socket.c */
napi_value open_packet(napi_env env, napi_callback_info info);
/* watch.c */
napi_value watch(napi_env env, napi_callback_info info);
napi_value unwatch(napi_env env, napi_callback_info info);

#endif
