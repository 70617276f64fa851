/*
 * libuv watches on non-blocking fds (TUN devices, raw and AF_PACKET sockets): on each readable event, read until
 * EAGAIN or MAX_BATCH packets and call JavaScript once with the batch, to keep the per-packet cost of crossing into
 * JavaScript low. A watch is stopped by unwatch() or by its handle being collected.
 */
#include "dsmip-native.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#define MAX_PACKET 65536
#define MAX_BATCH 64

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int fd;
  int is_socket; /* recvfrom (to see AF_PACKET's packet type) on sockets, read on a TUN fd */
  int stopped;
  /* Two owners: the libuv handle (until its close callback) and the JavaScript external (until finalized). */
  int owners;
} Watch;

static unsigned char read_buffer[MAX_PACKET];

static void release(Watch *w) {
  if (--w->owners == 0) free(w);
}

static void on_closed(uv_handle_t *handle) { release(handle->data); }

static void stop_watch(Watch *w) {
  if (w->stopped) return;
  w->stopped = 1;
  uv_poll_stop(&w->poll);
  napi_delete_reference(w->env, w->callback);
  napi_async_destroy(w->env, w->context);
  uv_close((uv_handle_t *)&w->poll, on_closed);
}

/* Reads until EAGAIN or MAX_BATCH packets, then calls back once with (packets: Buffer[], errno: number). */
static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  Watch *w = handle->data;
  if (w->stopped) return;
  napi_env env = w->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value packets;
  napi_create_array(env, &packets);
  uint32_t count = 0;
  int error = status < 0 ? -status : 0;
  while (!error && count < MAX_BATCH) {
    struct sockaddr_ll from;
    socklen_t from_len = sizeof from;
    memset(&from, 0, sizeof from);
    ssize_t n = w->is_socket ? recvfrom(w->fd, read_buffer, sizeof read_buffer, 0, (struct sockaddr *)&from, &from_len)
                             : read(w->fd, read_buffer, sizeof read_buffer);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) error = errno;
      break;
    }
    /* Only packets for this host: not our own outgoing copies, nor others' frames seen in promiscuous mode. */
    if (w->is_socket && from.sll_family == AF_PACKET &&
        (from.sll_pkttype == PACKET_OUTGOING || from.sll_pkttype == PACKET_OTHERHOST))
      continue;
    napi_value buffer;
    void *copy;
    if (napi_create_buffer_copy(env, (size_t)n, read_buffer, &copy, &buffer) != napi_ok) break;
    napi_set_element(env, packets, count++, buffer);
  }
  /* Errors that say the fd itself is unusable would repeat on every poll: report once and stop watching. */
  int fatal = error == EBADF || error == ENOTSOCK || error == EINVAL || error == EFAULT || error == ENODEV;
  if (count > 0 || error) {
    napi_value callback, resource, result, argv[2];
    napi_get_reference_value(env, w->callback, &callback);
    napi_create_object(env, &resource);
    argv[0] = packets;
    napi_create_int32(env, error, &argv[1]);
    if (napi_make_callback(env, w->context, resource, callback, 2, argv, &result) == napi_pending_exception) {
      napi_value exception;
      napi_get_and_clear_last_exception(env, &exception);
      napi_fatal_exception(env, exception);
    }
  }
  napi_close_handle_scope(env, scope);
  if (fatal && !w->stopped) uv_poll_stop(&w->poll);
}

static void finalize_watch(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  stop_watch((Watch *)data);
  release((Watch *)data);
}

/*
 * watch(fd, callback(packets, errno)) -> handle for unwatch. The handle being collected also stops the watch.
 * Everything that can fail is done before the poll starts; a failure after uv_poll_init closes the handle.
 */
napi_value watch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  napi_valuetype type;
  if (argc < 2 || !arg_int(env, argv[0], &fd) || napi_typeof(env, argv[1], &type) != napi_ok ||
      type != napi_function)
    return throw_errno(env, "watch(fd, callback)", EINVAL);
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  napi_value name, resource;
  CHECK(napi_create_string_utf8(env, "dsmip:packet-watch", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_object(env, &resource));
  Watch *w = calloc(1, sizeof *w);
  if (!w) return throw_errno(env, "watch", ENOMEM);
  w->env = env;
  w->fd = fd;
  struct stat st;
  w->is_socket = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
  if (napi_create_reference(env, argv[1], 1, &w->callback) != napi_ok) {
    free(w);
    return throw_errno(env, "watch: napi_create_reference", ENOMEM);
  }
  if (napi_async_init(env, resource, name, &w->context) != napi_ok) {
    napi_delete_reference(env, w->callback);
    free(w);
    return throw_errno(env, "watch: napi_async_init", ENOMEM);
  }
  int rc = uv_poll_init(loop, &w->poll, fd);
  if (rc < 0) {
    napi_async_destroy(env, w->context);
    napi_delete_reference(env, w->callback);
    free(w);
    return throw_errno(env, "uv_poll_init", -rc);
  }
  w->poll.data = w;
  /* From here the libuv handle owns w until its close callback; the external below becomes the second owner. */
  w->owners = 1;
  napi_value handle;
  if (napi_create_external(env, w, finalize_watch, NULL, &handle) != napi_ok) {
    stop_watch(w);
    return throw_errno(env, "watch: napi_create_external", ENOMEM);
  }
  w->owners = 2;
  rc = uv_poll_start(&w->poll, UV_READABLE, on_readable);
  if (rc < 0) {
    stop_watch(w); /* the external's finalizer releases the second owner */
    return throw_errno(env, "uv_poll_start", -rc);
  }
  return handle;
}

napi_value unwatch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *data;
  if (argc < 1 || napi_get_value_external(env, argv[0], &data) != napi_ok) return NULL;
  stop_watch((Watch *)data);
  return NULL;
}
