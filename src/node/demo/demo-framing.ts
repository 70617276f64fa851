/**
 * The framing of a raw IP packet a demo node sent, as the summary names it: the signalling framings of TS 24.303
 * §5.1.3.2 and RFC 6275 §6.3–§6.4 and the data tunnels of RFC 5555 §4.4.3 / §4.4.1 and RFC 6275 §10.4. Read from
 * the first header only (the pipeline and the tunnel build these packets with no other extension header).
 */
import { Ipv6Address } from '../../util/ip-address.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';

export const Framing = {
  /** The BA in plain IPv4 without NAT (TS 24.303 §5.1.3.2). */
  BA_PROTOCOL_41: 'BA in IPv4 protocol 41',
  /** A BU from an IPv6 CoA: Destination Options with the Home Address option (RFC 6275 §6.3). */
  BU_HAO: 'BU with Home Address option',
  /** A BA to an IPv6 CoA: a type 2 routing header (RFC 6275 §6.4). */
  BA_RH2: 'BA with type 2 routing header',
  IPV6_IN_IPV4: 'IPv6-in-IPv4',
  IPV4_IN_IPV4: 'IPv4-in-IPv4',
  IPV6_IN_IPV6: 'IPv6-in-IPv6',
  IPV4_IN_IPV6: 'IPv4-in-IPv6',
} as const;
export type Framing = (typeof Framing)[keyof typeof Framing];

const IPV4_PROTOCOL_OFFSET = 9; // RFC 791 §3.1
const IPV6_NEXT_HEADER_OFFSET = 6; // RFC 8200 §3

/** The framing of `packet`; `signalling` when it carries a sealed BU or BA. Undefined for anything else. */
export function framingOf(packet: Uint8Array, signalling: boolean): Framing | undefined {
  const version = (packet[0] ?? 0) >> 4;
  if (version === 4 && packet.length >= 20) {
    const protocol = packet[IPV4_PROTOCOL_OFFSET];
    if (protocol === IpProtocol.IPV6) return signalling ? Framing.BA_PROTOCOL_41 : Framing.IPV6_IN_IPV4;
    if (protocol === IpProtocol.IPV4_IN_IP) return Framing.IPV4_IN_IPV4;
    return undefined;
  }
  if (version !== 6 || packet.length < 40) return undefined;
  switch (packet[IPV6_NEXT_HEADER_OFFSET]) {
    case IpProtocol.DEST_OPTS:
      return signalling ? Framing.BU_HAO : undefined;
    case IpProtocol.ROUTING:
      return signalling ? Framing.BA_RH2 : undefined;
    case IpProtocol.IPV6:
      return Framing.IPV6_IN_IPV6;
    case IpProtocol.IPV4_IN_IP:
      return Framing.IPV4_IN_IPV6;
    default:
      return undefined;
  }
}

/** How a ladder line names a signalling framing: a short tag after the ESP header and a detail line. */
export interface FramingText {
  readonly tag: string;
  readonly detail?: string;
}

/** Where the pipeline puts the HAO's or RH2's address: after the extension header's first 8 bytes (RFC 6275 §6.3–§6.4). */
const EXTENSION_ADDRESS_OFFSET = 48;

/** The tag and detail line of a signalling framing of `packet` (undefined for data tunnels). */
export function framingText(packet: Uint8Array, framing: Framing): FramingText | undefined {
  const address = () =>
    packet.length >= EXTENSION_ADDRESS_OFFSET + 16 && packet[41] === 2 // Hdr Ext Len 2: one address, as the pipeline frames it
      ? Ipv6Address.fromBytes(packet.subarray(EXTENSION_ADDRESS_OFFSET, EXTENSION_ADDRESS_OFFSET + 16)).toString()
      : '?';
  switch (framing) {
    case Framing.BU_HAO:
      return { tag: 'with HAO', detail: `Destination Options: Home Address option ${address()}` };
    case Framing.BA_RH2:
      return { tag: 'with RH2', detail: `Routing header type 2, segments left 1: ${address()}` };
    case Framing.BA_PROTOCOL_41:
      return { tag: 'in IPv4 protocol 41' };
    default:
      return undefined;
  }
}
