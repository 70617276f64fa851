/*
 * dsmip's only native code: the few Linux calls Node does not expose, as an N-API addon built from source at install
 * (scripts/build-native.mjs). Everything protocol-related stays in TypeScript; these files open file descriptors and
 * move packets:
 *   - a TUN device (IFF_TUN | IFF_NO_PI: whole IP packets), for user traffic through the tunnel;
 *   - raw IP sockets (AF_INET SOCK_RAW for protocols 41/4/50, reads include the IPv4 header, IP_HDRINCL on send;
 *     AF_INET6 IPPROTO_RAW to send whole IPv6 packets with a Home Address option or a type 2 routing header);
 *   - an AF_PACKET socket (one interface or all) for whole IPv6 packets in, narrowed by a classic BPF program: without
 *     CONFIG_IPV6_MIP6 the kernel drops packets carrying the Home Address option or a type 2 routing header before
 *     any raw IPv6 socket sees them.
 * Every fd is non-blocking and watched by libuv (uv_poll), so a read never blocks the event loop and closing is
 * immediate (a blocked read(2) on a TUN fd is not woken by close(2)). Packets reach JavaScript in batches, one call
 * per readable event, to keep the per-packet cost of crossing into JavaScript low.
 * Files: this one (helpers, TUN, raw sockets, writes, init), packet-socket.c (AF_PACKET and its BPF filter),
 * watch.c (the libuv watches). Errors are returned as negative errno values (or thrown as Error with `code` for the
 * open calls), never aborts.
 */
#include "dsmip-native.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

napi_value throw_errno(napi_env env, const char *what, int err) {
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

int arg_int(napi_env env, napi_value v, int32_t *out) { return napi_get_value_int32(env, v, out) == napi_ok; }

napi_value make_int(napi_env env, int64_t v) {
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
