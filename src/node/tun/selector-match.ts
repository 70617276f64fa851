/**
 * An SA's traffic selectors (RFC 7296 §3.13.1) compiled for the forwarding path. RFC 4301 §4.4.1.1 matching of a
 * whole IP packet: the data SA of RFC 5555 §5.2.2 names addresses only (any protocol, any port), so its ranges are
 * compared with the packet's address bytes in place, with no decoding and no address objects. Selectors that name
 * a protocol or ports (another peer's narrowing) take the general path of src/ipsec/selectors.ts on the decoded
 * packet; unknown selector types never match (RFC 7296 §3.13.1).
 */
import type { EspSelectors, PacketSelector } from '../../ipsec/selectors.ts';
import { packetMatchesSelectors, upperLayerSelector } from '../../ipsec/selectors.ts';
import {
  IPV4_DESTINATION_OFFSET,
  IPV4_SOURCE_OFFSET,
  IPV6_DESTINATION_OFFSET,
  IPV6_SOURCE_OFFSET,
} from '../../mip/tunnel.ts';
import { isWireError } from '../../util/errors.ts';
import type { TrafficSelector } from '../../wire/ike/traffic-selector.ts';
import { effectiveDestination, effectiveSource } from '../../wire/ip/ipv6.ts';
import { decodeIpPacket } from '../../wire/ip/tunnel.ts';
import { ipVersionOf } from './tunnel-forwarder.ts';

interface ByteRange {
  readonly start: Uint8Array;
  readonly end: Uint8Array;
}

interface FamilyRanges {
  readonly v4: readonly ByteRange[];
  readonly v6: readonly ByteRange[];
}

/** Whether a selector constrains more than addresses (a protocol, or ports other than ANY 0–65535). */
function namesMoreThanAddresses(ts: TrafficSelector): boolean {
  return ts.kind !== 'unknown' && (ts.ipProtocol !== 0 || ts.startPort !== 0 || ts.endPort !== 0xffff);
}

function rangesOf(list: readonly TrafficSelector[]): FamilyRanges {
  const v4: ByteRange[] = [];
  const v6: ByteRange[] = [];
  for (const ts of list) {
    if (ts.kind === 'unknown') continue;
    (ts.kind === 'ipv4-range' ? v4 : v6).push({ start: ts.startAddress.bytes, end: ts.endAddress.bytes });
  }
  return { v4, v6 };
}

/** start ≤ packet[at, at + n) ≤ end, byte by byte (network order). */
function inRange(p: Uint8Array, at: number, r: ByteRange): boolean {
  const { start, end } = r;
  let aboveStart = false;
  let belowEnd = false;
  for (let i = 0; i < start.length; i++) {
    const b = p[at + i]!;
    if (!aboveStart) {
      if (b < start[i]!) return false;
      if (b > start[i]!) aboveStart = true;
    }
    if (!belowEnd) {
      if (b > end[i]!) return false;
      if (b < end[i]!) belowEnd = true;
    }
    if (aboveStart && belowEnd) return true;
  }
  return true;
}

function anyInRange(p: Uint8Array, at: number, ranges: readonly ByteRange[]): boolean {
  for (let i = 0; i < ranges.length; i++) if (inRange(p, at, ranges[i]!)) return true;
  return false;
}

/**
 * The selector view of a whole IP packet (RFC 4301 §4.4.1.1): addresses, the upper-layer protocol after any IPv6
 * extension headers, and its ports or type/code (only the first fragment has them, RFC 4301 §7). Undefined when the
 * packet does not decode.
 */
export function packetSelectorOf(packet: Uint8Array): PacketSelector | undefined {
  let ip: ReturnType<typeof decodeIpPacket>;
  try {
    ip = decodeIpPacket(packet);
  } catch (e) {
    if (isWireError(e)) return undefined;
    throw e;
  }
  if (ip.version === 4) {
    const p = ip.packet;
    const ports = p.fragmentOffsetBytes === 0 ? upperLayerSelector(p.protocol, p.payload) : {};
    return ports && { source: p.source, destination: p.destination, protocol: p.protocol, ...ports };
  }
  const p = ip.packet;
  const fragment = p.extensionHeaders.find((h) => h.kind === 'fragment');
  const ports = fragment && fragment.fragmentOffsetBytes !== 0 ? {} : upperLayerSelector(p.nextHeader, p.payload);
  return (
    ports && { source: effectiveSource(p), destination: effectiveDestination(p), protocol: p.nextHeader, ...ports }
  );
}

export class CompiledSelectors {
  private readonly local: FamilyRanges;
  private readonly remote: FamilyRanges;
  /** Some selector names a protocol or ports: every packet takes the general path. */
  private readonly general: boolean;

  constructor(readonly selectors: EspSelectors) {
    this.local = rangesOf(selectors.local);
    this.remote = rangesOf(selectors.remote);
    this.general = selectors.local.some(namesMoreThanAddresses) || selectors.remote.some(namesMoreThanAddresses);
  }

  /** A packet we send into the SA: source on our side, destination on the peer's. */
  matchesOutbound(packet: Uint8Array): boolean {
    return this.matches(packet, true);
  }

  /** A packet out of the SA (RFC 4301 §5.2 step 4): source on the peer's side, destination on ours. */
  matchesInbound(packet: Uint8Array): boolean {
    return this.matches(packet, false);
  }

  private matches(packet: Uint8Array, outbound: boolean): boolean {
    const version = ipVersionOf(packet);
    if (version === 0) return false;
    if (this.general) {
      const p = packetSelectorOf(packet);
      return p !== undefined && packetMatchesSelectors(this.selectors, p, outbound);
    }
    const sourceSide = outbound ? this.local : this.remote;
    const destinationSide = outbound ? this.remote : this.local;
    if (version === 4) {
      return (
        anyInRange(packet, IPV4_SOURCE_OFFSET, sourceSide.v4) &&
        anyInRange(packet, IPV4_DESTINATION_OFFSET, destinationSide.v4)
      );
    }
    return (
      anyInRange(packet, IPV6_SOURCE_OFFSET, sourceSide.v6) &&
      anyInRange(packet, IPV6_DESTINATION_OFFSET, destinationSide.v6)
    );
  }
}
