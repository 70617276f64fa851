/*
 * dsmip's only native code: the few Linux calls Node does not expose, as an N-API addon built from source at install
 * (scripts/build-native.mjs). Everything protocol-related stays in TypeScript; this file opens file descriptors and
 * moves packets:
 *   - a TUN device (IFF_TUN | IFF_NO_PI: whole IP packets), for user traffic through the tunnel;
 *   - raw IP sockets (AF_INET SOCK_RAW for protocols 41/4/50, reads include the IPv4 header, IP_HDRINCL on send;
 *     AF_INET6 IPPROTO_RAW to send whole IPv6 packets with a Home Address option or a type 2 routing header);
 *   - an AF_PACKET socket per interface for whole IPv6 packets in: without CONFIG_IPV6_MIP6 the kernel drops packets
 *     carrying the Home Address option or a type 2 routing header before any raw IPv6 socket sees them.
 * Every fd is non-blocking and watched by libuv (uv_poll), so a read never blocks the event loop and closing is
 * immediate (a blocked read(2) on a TUN fd is not woken by close(2)). Packets reach JavaScript in batches, one call
 * per readable event, to keep the per-packet cost of crossing into JavaScript low.
 * Errors are returned as negative errno values (or thrown as Error with `code` for the open calls), never aborts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#define MAX_PACKET 65536
#define MAX_BATCH 64

#define CHECK(call)                                                                                                  \
  do {                                                                                                               \
    if ((call) != napi_ok) return NULL;                                                                              \
  } while (0)

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char message[256];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_value code, msg, error;
  const char *name = err == EPERM ? "EPERM" : err == EACCES ? "EACCES" : err == ENOENT ? "ENOENT"
                   : err == ENODEV ? "ENODEV" : err == EBUSY ? "EBUSY" : err == EINVAL ? "EINVAL" : "ESYSCALL";
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, code, msg, &error);
  napi_value errno_value;
  napi_create_int32(env, err, &errno_value);
  napi_set_named_property(env, error, "errno", errno_value);
  napi_throw(env, error);
  return NULL;
}

static int arg_int(napi_env env, napi_value v, int32_t *out) { return napi_get_value_int32(env, v, out) == napi_ok; }

static napi_value make_int(napi_env env, int64_t v) {
  napi_value out;
  napi_create_int64(env, v, &out);
  return out;
}

/* openTun(name: string) -> [fd, name]: name may be "" for the kernel's choice (tunN). */
static napi_value open_tun(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char name[IFNAMSIZ] = {0};
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok)
    return throw_errno(env, "openTun(name)", EINVAL);
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, "open /dev/net/tun", errno);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  memcpy(ifr.ifr_name, name, len < IFNAMSIZ ? len : IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "ioctl TUNSETIFF", err);
  }
  napi_value out, fd_value, name_value;
  CHECK(napi_create_array_with_length(env, 2, &out));
  CHECK(napi_create_int32(env, fd, &fd_value));
  CHECK(napi_create_string_utf8(env, ifr.ifr_name, NAPI_AUTO_LENGTH, &name_value));
  napi_set_element(env, out, 0, fd_value);
  napi_set_element(env, out, 1, name_value);
  return out;
}

/*
 * openRaw(family: 4|6, protocol: number) -> fd. IPv4: reads carry the IPv4 header; IP_HDRINCL so writes are whole
 * packets too. IPv6 with protocol 255 (IPPROTO_RAW): send-only, whole packets (Linux implies IPV6_HDRINCL).
 */
static napi_value open_raw(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t family, protocol;
  if (argc < 2 || !arg_int(env, argv[0], &family) || !arg_int(env, argv[1], &protocol) ||
      (family != 4 && family != 6) || protocol < 0 || protocol > 255)
    return throw_errno(env, "openRaw(family, protocol)", EINVAL);
  int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return throw_errno(env, "socket SOCK_RAW", errno);
  if (family == 4) {
    int on = 1;
    if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof on) < 0) {
      int err = errno;
      close(fd);
      return throw_errno(env, "setsockopt IP_HDRINCL", err);
    }
  }
  return make_int(env, fd);
}

/* openPacket(ifname: string, ethertype: number) -> fd: AF_PACKET SOCK_DGRAM (no link header), inbound only. */
static napi_value open_packet(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char name[IFNAMSIZ] = {0};
  size_t len = 0;
  int32_t ethertype;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok ||
      !arg_int(env, argv[1], &ethertype))
    return throw_errno(env, "openPacket(ifname, ethertype)", EINVAL);
  /* An empty name binds to ifindex 0: every interface (packet(7)). */
  unsigned index = 0;
  if (name[0] != '\0' && (index = if_nametoindex(name)) == 0)
    return throw_errno(env, "if_nametoindex", errno ? errno : ENODEV);
  int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons((uint16_t)ethertype));
  if (fd < 0) return throw_errno(env, "socket AF_PACKET", errno);
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons((uint16_t)ethertype);
  sll.sll_ifindex = (int)index;
  int on = 1;
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0 ||
      setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &on, sizeof on) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind AF_PACKET", err);
  }
  return make_int(env, fd);
}

static int get_bytes(napi_env env, napi_value v, void **data, size_t *len) {
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  return napi_get_typedarray_info(env, v, &type, len, data, &ab, &offset) == napi_ok && type == napi_uint8_array;
}

/* write(fd, packet: Uint8Array) -> bytes written or -errno. */
static napi_value write_packet(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  void *data;
  size_t len;
  if (argc < 2 || !arg_int(env, argv[0], &fd) || !get_bytes(env, argv[1], &data, &len)) return make_int(env, -EINVAL);
  ssize_t n = write(fd, data, len);
  return make_int(env, n < 0 ? -errno : n);
}

/* sendTo(fd, packet, destination: Uint8Array(4|16)) -> bytes sent or -errno. */
static napi_value send_to(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  void *data, *addr;
  size_t len, addr_len;
  if (argc < 3 || !arg_int(env, argv[0], &fd) || !get_bytes(env, argv[1], &data, &len) ||
      !get_bytes(env, argv[2], &addr, &addr_len) || (addr_len != 4 && addr_len != 16))
    return make_int(env, -EINVAL);
  ssize_t n;
  if (addr_len == 4) {
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    memcpy(&sin.sin_addr, addr, 4);
    n = sendto(fd, data, len, 0, (struct sockaddr *)&sin, sizeof sin);
  } else {
    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    memcpy(&sin6.sin6_addr, addr, 16);
    n = sendto(fd, data, len, 0, (struct sockaddr *)&sin6, sizeof sin6);
  }
  return make_int(env, n < 0 ? -errno : n);
}

static napi_value close_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  if (argc < 1 || !arg_int(env, argv[0], &fd)) return make_int(env, -EINVAL);
  return make_int(env, close(fd) < 0 ? -errno : 0);
}

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
    if (w->is_socket && from.sll_family == AF_PACKET && from.sll_pkttype == PACKET_OUTGOING) continue;
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

/* watch(fd, callback(packets, errno)) -> handle for unwatch. The handle being collected also stops the watch. */
static napi_value watch(napi_env env, napi_callback_info info) {
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
  Watch *w = calloc(1, sizeof *w);
  if (!w) return throw_errno(env, "watch", ENOMEM);
  w->env = env;
  w->fd = fd;
  w->owners = 2;
  struct stat st;
  w->is_socket = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
  napi_value name;
  napi_create_string_utf8(env, "dsmip:packet-watch", NAPI_AUTO_LENGTH, &name);
  int rc = uv_poll_init(loop, &w->poll, fd);
  if (rc < 0) {
    free(w);
    return throw_errno(env, "uv_poll_init", -rc);
  }
  w->poll.data = w;
  napi_value resource;
  napi_create_object(env, &resource);
  napi_create_reference(env, argv[1], 1, &w->callback);
  napi_async_init(env, resource, name, &w->context);
  uv_poll_start(&w->poll, UV_READABLE, on_readable);
  napi_value handle;
  CHECK(napi_create_external(env, w, finalize_watch, NULL, &handle));
  return handle;
}

static napi_value unwatch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *data;
  if (argc < 1 || napi_get_value_external(env, argv[0], &data) != napi_ok) return NULL;
  stop_watch((Watch *)data);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"openTun", NULL, open_tun, NULL, NULL, NULL, napi_default, NULL},
      {"openRaw", NULL, open_raw, NULL, NULL, NULL, napi_default, NULL},
      {"openPacket", NULL, open_packet, NULL, NULL, NULL, napi_default, NULL},
      {"write", NULL, write_packet, NULL, NULL, NULL, napi_default, NULL},
      {"sendTo", NULL, send_to, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL},
      {"watch", NULL, watch, NULL, NULL, NULL, napi_default, NULL},
      {"unwatch", NULL, unwatch, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
