/*
 * Load generator for bench/cases/tun-netns.ts: sends UDP datagrams from a ring of prepared payloads as fast as the
 * kernel takes them (sendmmsg, 64 per call) for a number of seconds, then prints how many it sent. With an SPI and
 * a key it seals each payload (a whole inner IP packet) in ESP tunnel mode with AES-256-GCM (RFC 4303 §2, RFC 4106:
 * nonce = salt ‖ 64-bit sequence, AAD = SPI ‖ sequence, 16-byte ICV), fresh sequence numbers every packet, so the
 * receiver's anti-replay window and integrity check run as for real traffic.
 *
 *   tun-loadgen SRC-ADDR SRC-PORT SECONDS RING-FILE [SPI-HEX KEY-HEX(32-byte key + 4-byte salt) FIRST-SEQUENCE]
 *   ring record: u8 family (4|6), u8 0, u16 dst port, 16 bytes dst address, u16 length, payload (all big-endian)
 *
 * Built at bench time: gcc -O2 tun-loadgen.c -lcrypto.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_PAYLOAD 2048
#define MAX_RING 65536

struct record {
  struct sockaddr_storage to;
  socklen_t to_len;
  uint16_t len;
  uint8_t data[MAX_PAYLOAD];
};

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int hex_byte(const char *s) {
  unsigned v;
  return sscanf(s, "%2x", &v) == 1 ? (int)v : -1;
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

int main(int argc, char **argv) {
  if (argc != 5 && argc != 8) {
    fprintf(stderr, "usage: %s SRC-ADDR SRC-PORT SECONDS RING-FILE [SPI-HEX KEY-HEX FIRST-SEQUENCE]\n", argv[0]);
    return 2;
  }
  const int v6 = strchr(argv[1], ':') != NULL;
  const double seconds = atof(argv[3]);
  const int esp = argc == 8;
  uint32_t spi = 0;
  uint8_t key[36];
  if (esp) {
    spi = (uint32_t)strtoul(argv[5], NULL, 16);
    if (strlen(argv[6]) != 72) return fprintf(stderr, "key: 72 hex digits\n"), 2;
    for (int i = 0; i < 36; i++) key[i] = (uint8_t)hex_byte(argv[6] + 2 * i);
  }

  FILE *f = fopen(argv[4], "rb");
  if (!f) return perror("ring"), 1;
  static struct record ring[MAX_RING];
  int n = 0;
  uint8_t h[22];
  while (n < MAX_RING && fread(h, 1, 22, f) == 22) {
    struct record *r = &ring[n];
    uint16_t port = (uint16_t)(h[2] << 8 | h[3]);
    r->len = (uint16_t)(h[20] << 8 | h[21]);
    if (r->len > MAX_PAYLOAD - 64 || fread(r->data, 1, r->len, f) != r->len) return fprintf(stderr, "bad ring\n"), 1;
    memset(&r->to, 0, sizeof r->to);
    if (h[0] == 6) {
      struct sockaddr_in6 *a = (struct sockaddr_in6 *)&r->to;
      a->sin6_family = AF_INET6;
      a->sin6_port = htons(port);
      memcpy(&a->sin6_addr, h + 4, 16);
      r->to_len = sizeof *a;
    } else {
      struct sockaddr_in *a = (struct sockaddr_in *)&r->to;
      a->sin_family = AF_INET;
      a->sin_port = htons(port);
      memcpy(&a->sin_addr, h + 4, 4);
      r->to_len = sizeof *a;
    }
    n++;
  }
  fclose(f);
  if (n == 0) return fprintf(stderr, "empty ring\n"), 1;

  int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
  if (s < 0) return perror("socket"), 1;
  int big = 4 << 20;
  setsockopt(s, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  struct sockaddr_storage local;
  memset(&local, 0, sizeof local);
  socklen_t local_len;
  if (v6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&local;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)atoi(argv[2]));
    inet_pton(AF_INET6, argv[1], &a->sin6_addr);
    local_len = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&local;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)atoi(argv[2]));
    inet_pton(AF_INET, argv[1], &a->sin_addr);
    local_len = sizeof *a;
  }
  if (bind(s, (struct sockaddr *)&local, local_len) < 0) return perror("bind"), 1;

  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (esp) {
    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL);
    EVP_EncryptInit_ex(ctx, NULL, NULL, key, NULL);
  }
  static uint8_t out[BATCH][MAX_PAYLOAD];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  // A later run on the same SA starts above the last one: the receiver's window has moved (RFC 4303 §3.4.3).
  uint64_t seq = esp ? strtoull(argv[7], NULL, 10) - 1 : 0, sent = 0;
  int next = 0;
  const double end = now_s() + seconds;
  while (now_s() < end) {
    for (int i = 0; i < BATCH; i++) {
      struct record *r = &ring[next];
      next = (next + 1) % n;
      uint8_t *p = r->data;
      size_t len = r->len;
      if (esp) {
        // SPI ‖ Sequence ‖ IV ‖ ciphertext(inner ‖ pad 1,2,… ‖ pad length ‖ next header) ‖ ICV
        uint8_t *e = out[i];
        uint64_t q = ++seq;
        put32(e, spi);
        put32(e + 4, (uint32_t)q);
        put32(e + 8, (uint32_t)(q >> 32));
        put32(e + 12, (uint32_t)q);
        size_t pad = (4 - ((len + 2) % 4)) % 4;
        uint8_t plain[MAX_PAYLOAD];
        memcpy(plain, p, len);
        for (size_t k = 0; k < pad; k++) plain[len + k] = (uint8_t)(k + 1);
        plain[len + pad] = (uint8_t)pad;
        plain[len + pad + 1] = (p[0] >> 4) == 6 ? 41 : 4;
        size_t plen = len + pad + 2;
        uint8_t nonce[12];
        memcpy(nonce, key + 32, 4);
        memcpy(nonce + 4, e + 8, 8);
        int w = 0;
        EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, nonce);
        EVP_EncryptUpdate(ctx, NULL, &w, e, 8);
        EVP_EncryptUpdate(ctx, e + 16, &w, plain, (int)plen);
        EVP_EncryptFinal_ex(ctx, e + 16 + plen, &w);
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, e + 16 + plen);
        p = e;
        len = 16 + plen + 16;
      }
      iov[i].iov_base = p;
      iov[i].iov_len = len;
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_name = &r->to;
      msgs[i].msg_hdr.msg_namelen = r->to_len;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int k = sendmmsg(s, msgs, BATCH, 0);
    if (k > 0) sent += (uint64_t)k;
  }
  printf("%llu\n", (unsigned long long)sent);
  EVP_CIPHER_CTX_free(ctx);
  close(s);
  return 0;
}
