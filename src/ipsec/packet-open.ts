/**
 * Receiving side of packet.ts: find ESP in an IP packet (directly, or in UDP on the encapsulation port where a
 * keepalive or an IKE message may arrive instead, RFC 3948 §2), open it through the SAD and check the
 * decrypted packet against the SA's selectors (RFC 4301 §5.2 step 4).
 */
import { WireError } from '../util/errors.ts';
import type { IpAddress, Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { Reader } from '../util/reader.ts';
import { UDP_ENCAP_PORT } from '../wire/esp/constants.ts';
import { classifyUdpEncap } from '../wire/esp/udp-encap.ts';
import { IpProtocol } from '../wire/ip/constants.ts';
import { parseIpv4 } from '../wire/ip/ipv4.ts';
import {
  effectiveDestination,
  effectiveSource,
  findHomeAddressOption,
  findRoutingType2,
  parseIpv6,
} from '../wire/ip/ipv6.ts';
import { decodeIpPacket } from '../wire/ip/tunnel.ts';
import { parseUdp, type UdpPseudoHeader } from '../wire/ip/udp.ts';
import type { EspOpenResult } from './esp-protect.ts';
import { readIpv6EspCarrier } from './ipv6-esp-carrier.ts';
import type { EspSa } from './sa.ts';
import { type EspSad, saMatchesPacket } from './sad.ts';
import { type PacketSelector, upperLayerSelector } from './selectors.ts';

interface AddressesOf<A extends IpAddress> {
  readonly source: A;
  readonly destination: A;
  /** The HAO's home address, else the source (RFC 6275 §9.3.1: IPsec sees the home address). */
  readonly effectiveSource: A;
  /** The RH2's home address while it is unprocessed, else the destination (RFC 6275 §6.4). */
  readonly effectiveDestination: A;
}

/** The outer header's addresses, and the UDP ports when ESP or IKE came UDP-encapsulated. */
export type OuterAddresses = (
  | ({ readonly version: 4 } & AddressesOf<Ipv4Address>)
  | ({
      readonly version: 6;
      readonly homeAddressOption?: Ipv6Address;
      readonly routingHeaderType2?: Ipv6Address;
    } & AddressesOf<Ipv6Address>)
) & { readonly udp?: { readonly sourcePort: number; readonly destinationPort: number } };

/** What an IP packet holds, as far as IPsec is concerned. */
export type IpsecPacket =
  | ({ readonly kind: 'esp'; readonly esp: Uint8Array } & OuterAddresses)
  | ({ readonly kind: 'ike'; readonly message: Uint8Array } & OuterAddresses)
  | ({ readonly kind: 'keepalive' } & OuterAddresses)
  /** Neither ESP nor UDP on an encapsulation port: not ours. */
  | ({ readonly kind: 'other'; readonly protocol: number; readonly payload: Uint8Array } & OuterAddresses);

export type EspCarrier = Extract<IpsecPacket, { kind: 'esp' }>;

/**
 * Reads the outer IPv4/IPv6 header (and UDP on one of `encapPorts`, either direction: the peer's side may be a
 * NAT-mapped port). A WireError for malformed headers; a UDP checksum, when not zero, is verified (RFC 3948 §2.1:
 * receivers MUST NOT depend on it being zero).
 */
export function classifyIpsecPacket(bytes: Uint8Array, encapPorts: readonly number[] = [UDP_ENCAP_PORT]): IpsecPacket {
  if (bytes.length === 0) throw new WireError('TRUNCATED', 'ipv4', 0, 'empty packet');
  const version = bytes[0]! >> 4;
  let outer: OuterAddresses;
  let protocol: number;
  let payload: Uint8Array;
  let payloadAt: number;
  if (version === 6) {
    // The usual BU/BA shapes without building the header chain; everything else is parsed in full below.
    const carrier = readIpv6EspCarrier(bytes);
    if (carrier !== undefined) return carrier;
    const p = parseIpv6(Reader.of(bytes, 'ipv6'));
    const hao = findHomeAddressOption(p);
    const rh2 = findRoutingType2(p);
    outer = {
      version: 6,
      source: p.source,
      destination: p.destination,
      effectiveSource: effectiveSource(p),
      effectiveDestination: effectiveDestination(p),
      ...(hao ? { homeAddressOption: hao } : {}),
      ...(rh2 ? { routingHeaderType2: rh2.homeAddress } : {}),
    };
    protocol = p.nextHeader;
    payload = p.payload;
    payloadAt = payload.byteOffset - bytes.byteOffset;
    // A fragment is reassembled before IPsec sees it (RFC 4303 §3.4.1).
    if (p.extensionHeaders.some((h) => h.kind === 'fragment')) return { kind: 'other', protocol, payload, ...outer };
  } else if (version === 4) {
    const p = parseIpv4(Reader.of(bytes, 'ipv4'));
    outer = {
      version: 4,
      source: p.source,
      destination: p.destination,
      effectiveSource: p.source,
      effectiveDestination: p.destination,
    };
    protocol = p.protocol;
    payload = p.payload;
    payloadAt = payload.byteOffset - bytes.byteOffset;
    // A fragment is reassembled before IPsec sees it (RFC 4303 §3.4.1).
    if (p.moreFragments || p.fragmentOffsetBytes !== 0) return { kind: 'other', protocol, payload, ...outer };
  } else {
    throw new WireError('BAD_VERSION', 'ipv4', 0, `IP version nibble ${version}`);
  }
  if (protocol === IpProtocol.ESP) return { kind: 'esp', esp: payload, ...outer };
  if (protocol !== IpProtocol.UDP || payload.length < 4) return { kind: 'other', protocol, payload, ...outer };
  const sourcePort = (payload[0]! << 8) | payload[1]!;
  const destinationPort = (payload[2]! << 8) | payload[3]!;
  if (!encapPorts.includes(sourcePort) && !encapPorts.includes(destinationPort)) {
    return { kind: 'other', protocol, payload, ...outer };
  }
  const pseudo: UdpPseudoHeader =
    outer.version === 4
      ? { version: 4, source: outer.source, destination: outer.destination }
      : { version: 6, source: outer.effectiveSource, destination: outer.effectiveDestination };
  const udp = parseUdp(Reader.of(payload, 'udp', payloadAt), pseudo);
  const withUdp = { ...outer, udp: { sourcePort, destinationPort } };
  const inner = classifyUdpEncap(udp.payload);
  if (inner.kind === 'esp') return { kind: 'esp', esp: inner.packet, ...withUdp };
  if (inner.kind === 'ike') return { kind: 'ike', message: inner.message, ...withUdp };
  return { kind: 'keepalive', ...withUdp };
}

export type IpsecOpenResult =
  | (Extract<EspOpenResult, { ok: true }> & { readonly carrier: EspCarrier })
  | Extract<EspOpenResult, { ok: false }>;

/** The selector view of a decrypted payload; undefined when it is too short to say. */
function innerSelector(
  carrier: EspCarrier,
  sa: EspSa,
  nextHeader: number,
  data: Uint8Array,
): PacketSelector | undefined {
  if (sa.mode === 'transport') {
    const ports = upperLayerSelector(nextHeader, data);
    if (!ports) return undefined;
    return {
      source: carrier.effectiveSource,
      destination: carrier.effectiveDestination,
      protocol: nextHeader,
      sourcePort: ports.sourcePort,
      destinationPort: ports.destinationPort,
    };
  }
  let ip: ReturnType<typeof decodeIpPacket>;
  try {
    ip = decodeIpPacket(data);
  } catch (e) {
    if (e instanceof WireError) return undefined;
    throw e;
  }
  if (ip.version === 4) {
    const p = ip.packet;
    // Only the first fragment carries ports; later ones match ANY/OPAQUE port selectors only (RFC 4301 §7).
    const ports = p.fragmentOffsetBytes === 0 ? upperLayerSelector(p.protocol, p.payload) : {};
    if (!ports) return undefined;
    return { source: p.source, destination: p.destination, protocol: p.protocol, ...ports };
  }
  const p = ip.packet;
  const fragment = p.extensionHeaders.find((h) => h.kind === 'fragment');
  const ports = fragment && fragment.fragmentOffsetBytes !== 0 ? {} : upperLayerSelector(p.nextHeader, p.payload);
  if (!ports) return undefined;
  return { source: effectiveSource(p), destination: effectiveDestination(p), protocol: p.nextHeader, ...ports };
}

/**
 * Opens the ESP packet of `carrier` through `sad` and checks the result against the SA's selectors. Never
 * throws for any input: failures are counted, typed results.
 */
export function openEspPacket(sad: EspSad, carrier: EspCarrier): IpsecOpenResult {
  const r = sad.open(carrier.esp);
  if (!r.ok) return r;
  if (r.sa.params.selectors !== undefined) {
    const sel = innerSelector(carrier, r.sa, r.nextHeader, r.data);
    if (!sel || !saMatchesPacket(r.sa, sel, false)) {
      const reason = sel ? 'selector-mismatch' : 'malformed';
      sad.countDrop(reason, r.sa);
      return { ok: false, reason, spi: r.sa.spi, sequence: r.sequence };
    }
  }
  return { ok: true, sa: r.sa, nextHeader: r.nextHeader, data: r.data, sequence: r.sequence, carrier };
}

/**
 * Classifies and, for ESP, opens one received IP packet. Malformed outer headers are a 'malformed' drop;
 * IKE messages, keepalives and foreign packets come back as `{ ok: false, reason: 'not-esp', packet }`.
 */
export function receiveIpsecPacket(
  sad: EspSad,
  bytes: Uint8Array,
  encapPorts?: readonly number[],
):
  | IpsecOpenResult
  | { readonly ok: false; readonly reason: 'not-esp'; readonly packet: Exclude<IpsecPacket, EspCarrier> } {
  let packet: IpsecPacket;
  try {
    packet = classifyIpsecPacket(bytes, encapPorts);
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    sad.countDrop('malformed');
    return { ok: false, reason: 'malformed', spi: 0 };
  }
  if (packet.kind !== 'esp') return { ok: false, reason: 'not-esp', packet };
  return openEspPacket(sad, packet);
}
