/**
 * Matching packets against an SA's traffic selectors (RFC 4301 §4.4.1.1, in IKEv2's form RFC 7296 §3.13.1).
 *
 * Ports carry more than ports: for the Mobility Header the MH Type sits in the high byte (BU 0x0500), for ICMP
 * the type and code (type high, code low); RFC 4301 §4.4.1.1. Those protocols have one such value per packet,
 * the sender's, so it is matched against the sender side's selector only: RFC 4877 §7.2's MN policy "local MH
 * type BU, remote MH type BA" means an outgoing BU matches TSi's 0x0500 and an incoming BA matches TSr's 0x0600.
 */
import type { IpAddress } from '../util/ip-address.ts';
import type { TrafficSelector } from '../wire/ike/traffic-selector.ts';
import { IpProtocol } from '../wire/ip/constants.ts';

/** The SA's selectors as negotiated: `local` is our side (TSi for the initiator), `remote` the peer's. */
export interface EspSelectors {
  readonly local: readonly TrafficSelector[];
  readonly remote: readonly TrafficSelector[];
}

type RangeSelector = Exclude<TrafficSelector, { kind: 'unknown' }>;

/** What a packet offers to selector matching, from the point of view of its sender. */
export interface PacketSelector {
  readonly source: IpAddress;
  readonly destination: IpAddress;
  /** Next Layer Protocol after any IPv6 extension headers (RFC 4301 §4.4.1.1). */
  readonly protocol: number;
  /** Source port; for MH/ICMP the type (and code) value; undefined when the protocol has none. */
  readonly sourcePort?: number;
  /** Destination port; undefined for protocols with one type value (MH, ICMP) or none. */
  readonly destinationPort?: number;
}

const ICMPV4 = 1;
const TCP = 6;
const SCTP = 132;
const UDPLITE = 136;

/** Protocols whose first four bytes are source port ‖ destination port. */
function hasPorts(protocol: number): boolean {
  return protocol === TCP || protocol === IpProtocol.UDP || protocol === SCTP || protocol === UDPLITE;
}

/**
 * The selector values of an upper-layer header: ports for TCP/UDP/SCTP, type ‖ code for ICMP/ICMPv6, MH Type
 * << 8 for the Mobility Header (byte 2 of its header, RFC 6275 §6.1.1). Undefined when `upper` is too short to
 * hold them (such a packet cannot match a selector that names a value).
 */
export function upperLayerSelector(
  protocol: number,
  upper: Uint8Array,
): { sourcePort?: number; destinationPort?: number } | undefined {
  if (hasPorts(protocol)) {
    if (upper.length < 4) return undefined;
    return { sourcePort: (upper[0]! << 8) | upper[1]!, destinationPort: (upper[2]! << 8) | upper[3]! };
  }
  if (protocol === IpProtocol.ICMPV6 || protocol === ICMPV4) {
    if (upper.length < 2) return undefined;
    return { sourcePort: (upper[0]! << 8) | upper[1]! };
  }
  if (protocol === IpProtocol.MH) {
    if (upper.length < 3) return undefined;
    return { sourcePort: upper[2]! << 8 };
  }
  return {};
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

function addressInRange(addr: IpAddress, ts: TrafficSelector): boolean {
  if (ts.kind === 'unknown') return false;
  const b = addr.bytes;
  if (b.length !== ts.startAddress.bytes.length) return false;
  return compareBytes(ts.startAddress.bytes, b) <= 0 && compareBytes(b, ts.endAddress.bytes) <= 0;
}

/** A port range 0–65535 is ANY and also matches a packet without ports (RFC 4301 §4.4.1.1 OPAQUE/ANY). */
function portInRange(port: number | undefined, ts: RangeSelector, applies: boolean): boolean {
  if (!applies) return true;
  if (ts.startPort === 0 && ts.endPort === 0xffff) return true;
  return port !== undefined && ts.startPort <= port && port <= ts.endPort;
}

/** Whether one address/protocol/port triple of the packet falls inside `ts`. */
function selectorMatches(
  ts: TrafficSelector,
  addr: IpAddress,
  protocol: number,
  port: number | undefined,
  portApplies: boolean,
): boolean {
  if (ts.kind === 'unknown') return false;
  if (ts.ipProtocol !== 0 && ts.ipProtocol !== protocol) return false;
  return addressInRange(addr, ts) && portInRange(port, ts, portApplies);
}

function anyMatches(
  list: readonly TrafficSelector[],
  addr: IpAddress,
  protocol: number,
  port: number | undefined,
  portApplies: boolean,
): boolean {
  for (const ts of list) if (selectorMatches(ts, addr, protocol, port, portApplies)) return true;
  return false;
}

/**
 * Whether a packet belongs to an SA with these selectors. `outbound`: we send it (source ↔ local); otherwise we
 * received it (source ↔ remote). For MH and ICMP only the sender side's range is compared (see above).
 */
export function packetMatchesSelectors(sel: EspSelectors, p: PacketSelector, outbound: boolean): boolean {
  const single = p.destinationPort === undefined && !hasPorts(p.protocol);
  const sourceSide = outbound ? sel.local : sel.remote;
  const destinationSide = outbound ? sel.remote : sel.local;
  return (
    anyMatches(sourceSide, p.source, p.protocol, p.sourcePort, true) &&
    anyMatches(destinationSide, p.destination, p.protocol, p.destinationPort, !single)
  );
}
