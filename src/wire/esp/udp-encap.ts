import { WireError } from '../../util/errors.ts';
import { ESP_HEADER_LENGTH, NAT_KEEPALIVE_BYTE, NON_ESP_MARKER_LENGTH } from './constants.ts';

/**
 * What arrives in a UDP 4500 datagram (RFC 3948 §2): a NAT-keepalive (one 0xFF octet, §2.3), an IKE
 * message behind the four-zero-octet non-ESP marker (§2.2), or an ESP packet whose SPI is never 0 (§2.1).
 * The IKE and ESP parts are views of the input, handed on to their own decoders.
 */
export type UdpEncapDatagram =
  | { readonly kind: 'keepalive' }
  | { readonly kind: 'ike'; readonly message: Uint8Array }
  | { readonly kind: 'esp'; readonly packet: Uint8Array };

/**
 * Classifies a UDP 4500 payload. A lone byte other than 0xFF is BAD_VALUE; 0, 2 or 3 bytes, or an ESP
 * packet shorter than its 8-byte header, is TRUNCATED.
 */
export function classifyUdpEncap(payload: Uint8Array): UdpEncapDatagram {
  const n = payload.length;
  if (n === 1) {
    if (payload[0] === NAT_KEEPALIVE_BYTE) return { kind: 'keepalive' };
    throw new WireError(
      'BAD_VALUE',
      'udp-encap',
      0,
      `one-byte datagram 0x${payload[0]!.toString(16)} is not a keepalive`,
    );
  }
  if (n < NON_ESP_MARKER_LENGTH) {
    throw new WireError('TRUNCATED', 'udp-encap', 0, `UDP 4500 payload of ${n} bytes`);
  }
  if ((payload[0]! | payload[1]! | payload[2]! | payload[3]!) === 0) {
    return { kind: 'ike', message: payload.subarray(NON_ESP_MARKER_LENGTH) };
  }
  if (n < ESP_HEADER_LENGTH) {
    throw new WireError('TRUNCATED', 'udp-encap', 0, `ESP packet of ${n} bytes has no sequence number`);
  }
  return { kind: 'esp', packet: payload };
}

/** The UDP payload for a datagram: 0xFF, marker ‖ IKE, or the ESP packet as is. */
export function encodeUdpEncap(d: UdpEncapDatagram): Uint8Array {
  switch (d.kind) {
    case 'keepalive':
      return Uint8Array.of(NAT_KEEPALIVE_BYTE);
    case 'ike': {
      const out = new Uint8Array(NON_ESP_MARKER_LENGTH + d.message.length);
      out.set(d.message, NON_ESP_MARKER_LENGTH);
      return out;
    }
    case 'esp': {
      const p = d.packet;
      if (p.length < ESP_HEADER_LENGTH || (p[0]! | p[1]! | p[2]! | p[3]!) === 0) {
        throw new RangeError('UDP-encapsulated ESP needs a full header and a non-zero SPI (RFC 3948 §2.1)');
      }
      return p;
    }
  }
}

export function encodeNatKeepalive(): Uint8Array {
  return encodeUdpEncap({ kind: 'keepalive' });
}

/** Prefixes an encoded IKE message with the non-ESP marker (RFC 7296 §3.1, RFC 3948 §2.2). */
export function encodeUdpEncapIke(message: Uint8Array): Uint8Array {
  return encodeUdpEncap({ kind: 'ike', message });
}
