/*
 * AF_PACKET for whole IPv6 packets in (src/node/net/ipv6-packet-reader.ts): a kernel without CONFIG_IPV6_MIP6 drops
 * packets with a Home Address option or a type 2 routing header before any raw IPv6 socket sees them, and an
 * AF_PACKET tap sees them first. A classic BPF program from JavaScript narrows what the kernel copies.
 */
#include "dsmip-native.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Reads a flat [code, jt, jf, k, ...] array into a classic BPF program (at most BPF_MAXINSNS instructions). */
static int get_filter(napi_env env, napi_value v, struct sock_filter **out, unsigned short *count) {
  bool is;
  uint32_t n;
  if (napi_is_array(env, v, &is) != napi_ok || !is || napi_get_array_length(env, v, &n) != napi_ok) return 0;
  if (n % 4 != 0 || n / 4 > BPF_MAXINSNS) return 0;
  *count = (unsigned short)(n / 4);
  *out = n == 0 ? NULL : calloc(n / 4, sizeof **out);
  if (n != 0 && *out == NULL) return 0;
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    uint32_t value;
    uint32_t limit = i % 4 == 0 ? 0xffff : i % 4 == 3 ? UINT32_MAX : 0xff; /* code 16 bits, jt/jf 8, k 32 */
    if (napi_get_element(env, v, i, &item) != napi_ok || napi_get_value_uint32(env, item, &value) != napi_ok ||
        value > limit) {
      free(*out);
      *out = NULL;
      return 0;
    }
    struct sock_filter *f = &(*out)[i / 4];
    switch (i % 4) {
      case 0: f->code = (uint16_t)value; break;
      case 1: f->jt = (uint8_t)value; break;
      case 2: f->jf = (uint8_t)value; break;
      default: f->k = value; break;
    }
  }
  return 1;
}

/*
 * openPacket(ifname: string, ethertype: number, filter: number[]) -> fd: AF_PACKET SOCK_DGRAM (no link header),
 * inbound only, with the classic BPF program `filter` (flat [code, jt, jf, k] quads; empty: none). The socket is
 * created with protocol 0, which receives nothing (packet(7)), and starts receiving at bind, after the filter and
 * PACKET_IGNORE_OUTGOING are set: no packet from another interface or outside the filter is queued before.
 */
napi_value open_packet(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char name[IFNAMSIZ] = {0};
  size_t len = 0;
  int32_t ethertype;
  struct sock_filter *program = NULL;
  unsigned short instructions = 0;
  if (argc < 3 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok ||
      !arg_int(env, argv[1], &ethertype) || ethertype <= 0 || ethertype > 0xffff ||
      !get_filter(env, argv[2], &program, &instructions))
    return throw_errno(env, "openPacket(ifname, ethertype, filter)", EINVAL);
  /* An empty name binds to ifindex 0: every interface (packet(7)). */
  unsigned index = 0;
  if (name[0] != '\0' && (index = if_nametoindex(name)) == 0) {
    int err = errno ? errno : ENODEV;
    free(program);
    return throw_errno(env, "if_nametoindex", err);
  }
  int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int err = errno;
    free(program);
    return throw_errno(env, "socket AF_PACKET", err);
  }
  const char *failed = NULL;
  int on = 1;
  struct sock_fprog fprog = {.len = instructions, .filter = program};
  if (instructions > 0 && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) < 0) {
    failed = "setsockopt SO_ATTACH_FILTER";
  } else if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &on, sizeof on) < 0) {
    failed = "setsockopt PACKET_IGNORE_OUTGOING";
  } else {
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons((uint16_t)ethertype);
    sll.sll_ifindex = (int)index;
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) failed = "bind AF_PACKET";
  }
  free(program);
  if (failed != NULL) {
    int err = errno;
    close(fd);
    return throw_errno(env, failed, err);
  }
  return make_int(env, fd);
}
