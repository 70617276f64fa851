/**
 * How much room each DSMIPv6 tunnel framing takes (RFC 5555 §4.1) and the largest inner packet a tunnel carries:
 * the tunnel is a link, and its MTU is the path's minus the encapsulation (RFC 2473 §6.1, RFC 4213 §3.2). The ESP
 * data SA of RFC 5555 §5.2.2 is such a link too, with the ESP overhead on top (esp-data-tunnel.ts `espMaxInner`).
 */
import { ENCR_ID, encrTransform, SUPPORTED_INTEGS } from '../../crypto/transforms.ts';
import type { TunnelRoute } from '../../mip/types.ts';
import { ESP_ALIGNMENT, ESP_HEADER_LENGTH, ESP_TRAILER_LENGTH } from '../../wire/esp/constants.ts';
import { IPV4_MIN_HEADER_LENGTH, IPV6_HEADER_LENGTH, UDP_HEADER_LENGTH } from '../../wire/ip/constants.ts';
import { IPV6_MINIMUM_MTU } from '../../wire/ip/icmp-error-packets.ts';

/** RFC 894: the Ethernet MTU, the usual access link. */
export const ETHERNET_MTU = 1500;

/** Bytes added around an inner packet, by framing. */
export const TUNNEL_OVERHEAD: Readonly<Record<TunnelRoute['kind'], number>> = {
  ipv6: IPV6_HEADER_LENGTH, // RFC 2473 §3: one IPv6 header (RFC 6275 §10.4.2, IPv4 in IPv6 per RFC 5555 §4.4.3)
  ipv4: IPV4_MIN_HEADER_LENGTH, // RFC 2003 §3 / RFC 4213 §3.5: one IPv4 header without options
  udp4: IPV4_MIN_HEADER_LENGTH + UDP_HEADER_LENGTH, // RFC 5555 §4.1: IPv4 + UDP, no extra header
};

/** The largest inner packet a `kind` tunnel carries over a `linkMtu` path from a `deviceMtu` device. */
export function maxInnerLength(kind: TunnelRoute['kind'], linkMtu: number, deviceMtu: number): number {
  return Math.min(deviceMtu, linkMtu - TUNNEL_OVERHEAD[kind]);
}

/**
 * The smallest link that carries `inner` bytes in one ESP-in-UDP packet over IPv4 with the worst of the transforms
 * this node negotiates (src/crypto/transforms.ts): outer IPv4, UDP (RFC 3948 §2.1), SPI and Sequence, the IV, the
 * plaintext and trailer padded to the cipher's alignment (RFC 4303 §2.4), the ICV.
 */
function espLinkMtuFor(inner: number): number {
  let worst = 0;
  const maxIntegIcv = Math.max(...SUPPORTED_INTEGS.map((t) => t.icvLength));
  for (const id of [ENCR_ID.AES_CBC, ENCR_ID.AES_GCM_16]) {
    const encr = encrTransform(id, 256); // the key length changes neither IV, block nor ICV
    const alignment = Math.max(encr.blockSize, ESP_ALIGNMENT); // their lcm: both are powers of two
    const padded = Math.ceil((inner + ESP_TRAILER_LENGTH) / alignment) * alignment;
    const icv = encr.icvLength > 0 ? encr.icvLength : maxIntegIcv;
    const link = IPV4_MIN_HEADER_LENGTH + UDP_HEADER_LENGTH + ESP_HEADER_LENGTH + encr.ivLength + padded + icv;
    worst = Math.max(worst, link);
  }
  return worst;
}

/**
 * The smallest path MTU toward the peer that leaves a 1280-byte IPv6 packet whole inside every tunnel this node may
 * use: each plain framing and the ESP data SA (RFC 8200 §5 makes 1280 the minimum MTU of every link, tunnels
 * included; this forwarder does not fragment outer packets). 1364 with AES-CBC and HMAC-SHA2-256-128.
 */
export const MIN_LINK_MTU = Math.max(
  IPV6_MINIMUM_MTU + Math.max(...Object.values(TUNNEL_OVERHEAD)),
  espLinkMtuFor(IPV6_MINIMUM_MTU),
);

/** RangeError unless every tunnel over `linkMtu` carries a 1280-byte IPv6 packet whole (`MIN_LINK_MTU`). */
export function checkMtus(linkMtu: number, deviceMtu: number): void {
  if (!Number.isInteger(linkMtu) || linkMtu < MIN_LINK_MTU || linkMtu > 0xffff) {
    throw new RangeError(
      `link MTU ${linkMtu} is outside ${MIN_LINK_MTU}..65535: a tunnel would carry less than ${IPV6_MINIMUM_MTU} bytes`,
    );
  }
  if (!Number.isInteger(deviceMtu) || deviceMtu < IPV6_MINIMUM_MTU || deviceMtu > 0xffff) {
    throw new RangeError(`device MTU ${deviceMtu} is outside ${IPV6_MINIMUM_MTU}..65535`);
  }
}
