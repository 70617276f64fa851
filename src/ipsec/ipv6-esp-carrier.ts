/**
 * The shapes almost every protected BU/BA arrives in, read straight from the bytes without building the IPv6
 * header chain: IPv6 · ESP (at home, inner packets of tunnels), IPv6 · Destination Options(…, HAO) · ESP (a BU
 * from a care-of address, RFC 6275 §6.3, §11.7.1) and IPv6 · Type 2 Routing Header · ESP (a BA to one, §6.4).
 * Anything else, every malformed packet included, is left to `classifyIpsecPacket`'s general parse: what this
 * returns is what that parse would give (packet-open.test.ts checks them against each other).
 */
import { Ipv6Address } from '../util/ip-address.ts';
import {
  HOME_ADDRESS_OPTION_LENGTH,
  IPV6_HEADER_LENGTH,
  IpProtocol,
  Ipv6OptionType,
  RoutingType,
} from '../wire/ip/constants.ts';
import type { EspCarrier } from './packet-open.ts';

const HEADER_UNIT = 8; // Hdr Ext Len counts 8-octet units beyond the first 8 (RFC 8200 §4.3)
const TYPE2_LENGTH = 24; // RFC 6275 §6.4.1: Hdr Ext Len 2
const SOURCE_AT = 8;
const DESTINATION_AT = 24;

const addressScratch = new Uint8Array(16);

/** The address at `b[at, at + 16)`, copied once (through a scratch array rather than a view). */
function addressAt(b: Uint8Array, at: number): Ipv6Address {
  for (let i = 0; i < 16; i++) addressScratch[i] = b[at + i]!;
  return Ipv6Address.fromBytes(addressScratch);
}

/**
 * Where the one Home Address option of the Destination Options header `b[start, end)` starts its address:
 * -1 when there is none, undefined when the options are not well formed or the HAO is not (left to the
 * general parse, which reports why).
 */
function homeAddressOptionAt(b: Uint8Array, start: number, end: number): number | undefined {
  let found = -1;
  let i = start + 2; // after Next Header and Hdr Ext Len
  while (i < end) {
    const type = b[i]!;
    if (type === Ipv6OptionType.PAD1) {
      i++;
      continue;
    }
    if (i + 2 > end) return undefined;
    const length = b[i + 1]!;
    if (i + 2 + length > end) return undefined;
    if (type === Ipv6OptionType.HOME_ADDRESS) {
      // RFC 6275 §6.3: length 16, at most one per packet.
      if (length !== HOME_ADDRESS_OPTION_LENGTH || found >= 0) return undefined;
      found = i + 2;
    }
    i += 2 + length;
  }
  return found;
}

/** The ESP carrier of `bytes` when it is one of the shapes above, else undefined. */
export function readIpv6EspCarrier(bytes: Uint8Array): EspCarrier | undefined {
  if (bytes.length < IPV6_HEADER_LENGTH || bytes[0]! >> 4 !== 6) return undefined;
  const end = IPV6_HEADER_LENGTH + ((bytes[4]! << 8) | bytes[5]!);
  if (end > bytes.length) return undefined;
  const first = bytes[6]!;
  let espAt = IPV6_HEADER_LENGTH;
  let haoAt = -1;
  let rh2At = -1;
  if (first === IpProtocol.DEST_OPTS || first === IpProtocol.ROUTING) {
    if (end - IPV6_HEADER_LENGTH < 2 || bytes[IPV6_HEADER_LENGTH] !== IpProtocol.ESP) return undefined;
    espAt = IPV6_HEADER_LENGTH + (bytes[IPV6_HEADER_LENGTH + 1]! + 1) * HEADER_UNIT;
    if (espAt > end) return undefined;
    if (first === IpProtocol.DEST_OPTS) {
      const at = homeAddressOptionAt(bytes, IPV6_HEADER_LENGTH, espAt);
      if (at === undefined) return undefined;
      haoAt = at;
    } else {
      if (espAt - IPV6_HEADER_LENGTH !== TYPE2_LENGTH || bytes[IPV6_HEADER_LENGTH + 2] !== RoutingType.TYPE2) {
        return undefined;
      }
      rh2At = IPV6_HEADER_LENGTH + 8; // after Next Header, Hdr Ext Len, type, Segments Left and 4 reserved bytes
    }
  } else if (first !== IpProtocol.ESP) {
    return undefined;
  }
  const source = addressAt(bytes, SOURCE_AT);
  const destination = addressAt(bytes, DESTINATION_AT);
  const esp = bytes.subarray(espAt, end);
  if (haoAt >= 0) {
    const homeAddressOption = addressAt(bytes, haoAt);
    return {
      kind: 'esp',
      esp,
      version: 6,
      source,
      destination,
      effectiveSource: homeAddressOption,
      effectiveDestination: destination,
      homeAddressOption,
    };
  }
  if (rh2At >= 0) {
    const routingHeaderType2 = addressAt(bytes, rh2At);
    const segmentsLeft = bytes[IPV6_HEADER_LENGTH + 3]!;
    // RFC 6275 §6.1.1: while unprocessed (Segments Left 1) the final destination is the RH2's home address.
    return {
      kind: 'esp',
      esp,
      version: 6,
      source,
      destination,
      effectiveSource: source,
      effectiveDestination: segmentsLeft > 0 ? routingHeaderType2 : destination,
      routingHeaderType2,
    };
  }
  return {
    kind: 'esp',
    esp,
    version: 6,
    source,
    destination,
    effectiveSource: source,
    effectiveDestination: destination,
  };
}
