import * as dnsPacket from 'dns-packet';
import { WireError } from '../../util/errors.ts';

/**
 * DNS messages through the maintained `dns-packet` library (RFC 1035, RFC 3596 AAAA, RFC 2782 SRV) rather than a
 * codec of our own. This wrapper keeps our error contract: whatever the library throws on bad input becomes a
 * WireError, so callers handle one error type.
 */
export type DnsMessage = dnsPacket.Packet;
export type DnsAnswer = dnsPacket.Answer;

/** Decodes a DNS message; malformed input throws WireError. */
export function decodeDns(bytes: Uint8Array): DnsMessage {
  if (bytes.length < 12) throw new WireError('TRUNCATED', 'dns', 0, `DNS header needs 12 bytes, have ${bytes.length}`);
  try {
    return dnsPacket.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch (e) {
    // The library reports a bad name pointer, a short record, etc. with RangeError/Error; their offsets are not exposed.
    throw new WireError('BAD_VALUE', 'dns', 0, `malformed DNS message: ${(e as Error).message}`);
  }
}

/** Encodes a DNS message. */
export function encodeDns(msg: DnsMessage): Uint8Array {
  return new Uint8Array(dnsPacket.encode(msg));
}
