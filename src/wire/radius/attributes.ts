/**
 * Building and reading the attributes the AAA code uses: text, integer and address values (RFC 2865 §5, RFC 3162
 * §2.1), EAP-Message fragmentation and reassembly (RFC 3579 §3.1) and the Message-Authenticator placeholder that
 * encodeSignedRadius fills in.
 */
import { WireError } from '../../util/errors.ts';
import { concatBytes } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { RADIUS_AUTHENTICATOR_LENGTH, RADIUS_MAX_VALUE_LENGTH, RadiusAttributeType } from './constants.ts';
import type { RadiusAttribute, RadiusPacket } from './packet.ts';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function octetsAttribute(type: number, value: Uint8Array): RadiusAttribute {
  if (value.length > RADIUS_MAX_VALUE_LENGTH) throw new RangeError(`attribute ${type} value over 253 octets`);
  return { kind: 'attribute', type, value };
}

/** Text is UTF-8 (RFC 2865 §5); a longer text is cut at 253 octets, on a character boundary. */
export function textAttribute(type: number, text: string): RadiusAttribute {
  let bytes = utf8.encode(text);
  if (bytes.length > RADIUS_MAX_VALUE_LENGTH) {
    let end = RADIUS_MAX_VALUE_LENGTH;
    while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
    bytes = bytes.subarray(0, end);
  }
  return { kind: 'attribute', type, value: bytes };
}

export function integerAttribute(type: number, n: number): RadiusAttribute {
  const value = Uint8Array.of(n >>> 24, n >>> 16, n >>> 8, n);
  return { kind: 'attribute', type, value };
}

/** NAS-IP-Address (4) or NAS-IPv6-Address (95) from an address in text (RFC 2865 §5.4, RFC 3162 §2.1). */
export function nasAddressAttribute(address: string): RadiusAttribute {
  const v4 = Ipv4Address.tryParse(address);
  if (v4) return { kind: 'attribute', type: RadiusAttributeType.NAS_IP_ADDRESS, value: v4.bytes };
  return { kind: 'attribute', type: RadiusAttributeType.NAS_IPV6_ADDRESS, value: Ipv6Address.parse(address).bytes };
}

/** A zeroed Message-Authenticator (RFC 3579 §3.2), filled in by encodeSignedRadius. */
export function messageAuthenticatorPlaceholder(): RadiusAttribute {
  return { kind: 'attribute', type: RadiusAttributeType.MESSAGE_AUTHENTICATOR, value: new Uint8Array(16) };
}

/** RFC 3579 §3.1: an EAP packet longer than 253 octets is split over consecutive EAP-Message attributes. */
export function eapMessageAttributes(eap: Uint8Array): RadiusAttribute[] {
  const out: RadiusAttribute[] = [];
  for (let p = 0; p < eap.length || p === 0; p += RADIUS_MAX_VALUE_LENGTH) {
    out.push(octetsAttribute(RadiusAttributeType.EAP_MESSAGE, eap.subarray(p, p + RADIUS_MAX_VALUE_LENGTH)));
    if (eap.length === 0) break;
  }
  return out;
}

export function findAttribute(packet: RadiusPacket, type: number): Uint8Array | undefined {
  for (const a of packet.attributes) if (a.kind === 'attribute' && a.type === type) return a.value;
  return undefined;
}

export function findAttributes(packet: RadiusPacket, type: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const a of packet.attributes) if (a.kind === 'attribute' && a.type === type) out.push(a.value);
  return out;
}

export function attributeText(packet: RadiusPacket, type: number): string | undefined {
  const v = findAttribute(packet, type);
  return v === undefined ? undefined : fromUtf8.decode(v);
}

/** The value of an integer attribute (the codec has checked its 4-octet length for known types). */
export function attributeInteger(packet: RadiusPacket, type: number): number | undefined {
  const v = findAttribute(packet, type);
  if (v === undefined || v.length !== 4) return undefined;
  return ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0;
}

/**
 * The EAP packet carried by the EAP-Message attributes, concatenated in order (RFC 3579 §3.1), or undefined when
 * there is none; empty for EAP-Start. Otherwise the result must be exactly one EAP packet: its Length field must equal the total (BAD_LENGTH).
 */
export function reassembleEap(packet: RadiusPacket): Uint8Array | undefined {
  const parts = findAttributes(packet, RadiusAttributeType.EAP_MESSAGE);
  if (parts.length === 0) return undefined;
  const eap = concatBytes(parts);
  if (eap.length === 0) return eap; // EAP-Start: one empty EAP-Message (RFC 3579 §2.1)
  const declared = eap.length >= 4 ? (eap[2]! << 8) | eap[3]! : -1;
  if (declared !== eap.length) {
    throw new WireError('BAD_LENGTH', 'radius', 0, `EAP-Message holds ${eap.length} octets, EAP Length ${declared}`);
  }
  return eap;
}

export function hasMessageAuthenticatorSlot(packet: RadiusPacket): boolean {
  return packet.attributes.some(
    (a) =>
      a.kind === 'attribute' &&
      a.type === RadiusAttributeType.MESSAGE_AUTHENTICATOR &&
      a.value.length === RADIUS_AUTHENTICATOR_LENGTH,
  );
}
