/**
 * The message trace hook of the node layer: every datagram a node's socket sends or receives, with its bytes, so
 * a caller can draw the ladder (src/obs/ladder `traceDatagram`) and write a capture (`CaptureWriter`). Each
 * datagram is reported by the node that sent it and again by the node that received it: a capture of the whole
 * exchange takes the `sent` events only.
 */
import { syntheticUdpPacket, type UdpDatagramRecord } from '../../obs/capture-writer.ts';
import { type PacketSummary, summarizePacket } from '../../obs/ladder/summarize-packet.ts';
import type { IpAddress } from '../../util/ip-address.ts';

export interface DatagramTraceEvent {
  readonly direction: 'sent' | 'received';
  /** Which socket: `ike`, `nat-t`, `dsmip`, `dns`, `dhcpv6-relay`, ... (the opener's name for it). */
  readonly label: string;
  /** This end and the other end as the nodes see them (lab aliases applied, src/node/net/address-aliases.ts). */
  readonly local: IpAddress;
  readonly localPort: number;
  readonly remote: IpAddress;
  readonly remotePort: number;
  /** The same two addresses as the kernel saw them (loopback behind an alias; equal to the above otherwise). */
  readonly wireLocal: IpAddress;
  readonly wireRemote: IpAddress;
  /** The UDP payload (not copied: do not modify). */
  readonly payload: Uint8Array;
  /** When it was handed to or came from the socket, in ms on the node's clock. */
  readonly atMs: number;
}

export type DatagramTraceHook = (e: DatagramTraceEvent) => void;

/**
 * The datagram as source → destination, for `traceDatagram` and `CaptureWriter.writeDatagram`; `view` picks the
 * nodes' addresses (default) or the kernel's.
 */
export function datagramRecordOf(e: DatagramTraceEvent, view: 'node' | 'wire' = 'node'): UdpDatagramRecord {
  const local = view === 'node' ? e.local : e.wireLocal;
  const remote = view === 'node' ? e.remote : e.wireRemote;
  return e.direction === 'sent'
    ? { source: local, sourcePort: e.localPort, destination: remote, destinationPort: e.remotePort, payload: e.payload }
    : {
        source: remote,
        sourcePort: e.remotePort,
        destination: local,
        destinationPort: e.localPort,
        payload: e.payload,
      };
}

/**
 * A one-line summary of a traced datagram for the ladder. Sockets on well-known ports are recognised by the
 * dissector; IKE, NAT-T and DNS on ports the kernel picked are not, so their payloads are decoded by the socket's
 * label: IKE, on NAT-T an IKE message after the non-ESP marker, ESP otherwise, or a keepalive (RFC 3948 §2.2, §2.3).
 */
export function summarizeDatagram(e: DatagramTraceEvent): PacketSummary {
  const p = e.payload;
  const route = `${e.direction === 'sent' ? `${e.local}:${e.localPort} → ${e.remote}:${e.remotePort}` : `${e.remote}:${e.remotePort} → ${e.local}:${e.localPort}`}`;
  const withRoute = (s: PacketSummary): PacketSummary => ({ ...s, details: [`UDP ${route}`, ...s.details] });
  switch (e.label) {
    case 'ike':
      return withRoute(summarizePacket(p, 'ike'));
    case 'nat-t':
      if (p.length === 1 && p[0] === 0xff) return withRoute({ protocol: 'UDP', summary: 'NAT keepalive', details: [] });
      if (p.length >= 4 && p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0) {
        return withRoute(summarizePacket(p.subarray(4), 'ike'));
      }
      return withRoute(summarizePacket(p, 'esp'));
    case 'dns':
      return withRoute(summarizePacket(p, 'dns'));
    default:
      return summarizePacket(syntheticUdpPacket(datagramRecordOf(e)));
  }
}
