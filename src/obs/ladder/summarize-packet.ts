/**
 * One call to trace any packet: the dissector (src/wire/dissect) finds the layers, the innermost message is
 * summarized by its codec, and the outer headers become the detail line, e.g.
 *   summary  BU seq=7 H A K R lifetime=3600s HoA4=0.0.0.0 CoA4=192.168.1.20
 *   details  IPv4 192.168.1.20 → 192.0.2.1 | UDP 4191 → 4191 | IPv6 2001:db8:100:1::5 → 2001:db8:1::1
 * A datagram seen on a UDP socket is framed with the same synthetic headers the capture writer uses.
 */
import type { WireError } from '../../util/errors.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { decodeDhcpv4Message } from '../../wire/dhcpv4/message.ts';
import { decodeDhcpv6Message } from '../../wire/dhcpv6/message.ts';
import { dissect, type StartLayer } from '../../wire/dissect/dissect.ts';
import type { DecodedLayer } from '../../wire/dissect/dissection.ts';
import { decodeDns } from '../../wire/dns/dns.ts';
import { decodeEap } from '../../wire/eap/eap.ts';
import { decodeEspPacket } from '../../wire/esp/esp.ts';
import { decodeIkeMessage } from '../../wire/ike/message.ts';
import { decodeIcmpv6 } from '../../wire/ip/icmpv6.ts';
import { decodeMobilityHeader } from '../../wire/mh/header.ts';
import { syntheticUdpPacket, type UdpDatagramRecord } from '../capture-writer.ts';
import { summarizeDhcpv4, summarizeDhcpv6, summarizeDns, summarizeIcmpv6 } from './summarize-dhcp.ts';
import { summarizeEap, summarizeEsp, summarizeIke } from './summarize-ike.ts';
import { type MessageSummary, summarizeMobility } from './summarize-mh.ts';
import type { Party, TraceEntry, TraceRecorder } from './trace.ts';

export interface PacketSummary extends MessageSummary {
  /** The first malformed layer, if any (the summary then says so). */
  readonly error?: WireError;
}

function address(fields: unknown, key: 'source' | 'destination'): IpAddress | undefined {
  const v = (fields as Record<string, unknown>)[key];
  return v instanceof Ipv4Address || v instanceof Ipv6Address ? v : undefined;
}

function port(fields: unknown, key: 'sourcePort' | 'destinationPort'): number | undefined {
  const v = (fields as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : undefined;
}

/** The outer-header text of one layer, or undefined for message layers. */
function headerText(l: DecodedLayer): string | undefined {
  if (l.layer === 'ipv4' || l.layer === 'ipv6') {
    return `${l.layer === 'ipv4' ? 'IPv4' : 'IPv6'} ${address(l.fields, 'source')} → ${address(l.fields, 'destination')}`;
  }
  if (l.layer === 'udp') return `UDP ${port(l.fields, 'sourcePort')} → ${port(l.fields, 'destinationPort')}`;
  if (l.layer === 'non-esp-marker') return 'non-ESP marker';
  return undefined;
}

/** The summary of a message layer; the view is exactly what the dissector decoded, so decoding succeeds again. */
function messageOf(l: DecodedLayer, view: Uint8Array): MessageSummary | undefined {
  switch (l.layer) {
    case 'mh':
      return summarizeMobility(decodeMobilityHeader(view));
    case 'ike':
      return summarizeIke(decodeIkeMessage(view));
    case 'esp':
      return summarizeEsp(decodeEspPacket(view));
    case 'eap':
      return summarizeEap(decodeEap(view));
    case 'dhcpv6':
      return summarizeDhcpv6(decodeDhcpv6Message(view));
    case 'dhcpv4':
      return summarizeDhcpv4(decodeDhcpv4Message(view));
    case 'dns':
      return summarizeDns(decodeDns(view));
    case 'icmpv6':
      return summarizeIcmpv6(decodeIcmpv6(view));
    case 'nat-keepalive':
      return { protocol: 'UDP', summary: 'NAT keepalive', details: [] };
    case 'fragment':
      return { protocol: 'IP', summary: `fragment, ${l.length} bytes`, details: [] };
    default:
      return undefined;
  }
}

/** Summarizes the innermost message of `bytes` (an IP packet unless `start` says otherwise). Never throws on input. */
export function summarizePacket(bytes: Uint8Array, start: StartLayer = 'ip'): PacketSummary {
  const d = dissect(bytes, start);
  const route: string[] = [];
  let message: MessageSummary | undefined;
  for (const l of d.layers) {
    const header = headerText(l);
    if (header) route.push(header);
    else if (l.layer === 'data') {
      // Payload of a protocol without a decoder here: named after the header that carried it.
      message = { protocol: route.at(-1)?.split(' ')[0] ?? 'IP', summary: `data, ${l.length} bytes`, details: [] };
    }
    // An EAP payload outside SK belongs to the IKE message already summarized.
    else if (!(l.layer === 'eap' && message?.protocol === 'IKE')) {
      message = messageOf(l, bytes.subarray(l.offset, l.offset + l.length)) ?? message;
    }
  }
  const details = [...(route.length > 0 ? [route.join(' | ')] : []), ...(message?.details ?? [])];
  const protocol = message?.protocol ?? (route.at(-1)?.split(' ')[0] || start.toUpperCase());
  let summary = message?.summary ?? route.at(-1) ?? `${bytes.length} bytes`;
  if (d.error) {
    summary = `${summary === route.at(-1) ? '' : `${summary} `}malformed ${d.error.layer}: ${d.error.code} at ${d.error.offset}`;
    return { protocol, summary, details: [...details, d.error.message], error: d.error };
  }
  return { protocol, summary, details };
}

export interface TraceParties {
  readonly from: Party;
  readonly to: Party;
  readonly phase?: string;
  /** Milliseconds since the trace started; default now. */
  readonly tMs?: number;
}

/** Records an IP packet (raw socket, TUN, or after decryption) in the trace. */
export function tracePacket(trace: TraceRecorder, parties: TraceParties, packet: Uint8Array): TraceEntry {
  const s = summarizePacket(packet);
  return trace.add({ ...parties, protocol: s.protocol, summary: s.summary, details: s.details, bytes: packet.length });
}

/** Records a datagram sent or received on a UDP socket, framed as it was on the wire. */
export function traceDatagram(trace: TraceRecorder, parties: TraceParties, datagram: UdpDatagramRecord): TraceEntry {
  return tracePacket(trace, parties, syntheticUdpPacket(datagram));
}

/** Records a message the caller has summarized itself (e.g. a BU before ESP, an IKE message with its inner payloads). */
export function traceMessage(
  trace: TraceRecorder,
  parties: TraceParties,
  message: MessageSummary,
  bytes?: number,
): TraceEntry {
  return trace.add({
    ...parties,
    protocol: message.protocol,
    summary: message.summary,
    details: message.details,
    ...(bytes !== undefined ? { bytes } : {}),
  });
}
