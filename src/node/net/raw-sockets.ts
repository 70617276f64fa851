/**
 * The raw-IP capability probe. DSMIPv6 needs raw IP for protocol 41 (a BA in plain IPv4 without NAT, TS 24.303
 * §5.1.3.2), 4, ESP (50) and MH (135) over IPv6 (HAO/RH2 framing, RFC 6275 §6.3–§6.4). Node has no raw sockets
 * and this build ships no native addon, so none can be opened yet: the probe says why, and nodes adapt (the UE asks
 * for UDP with F = 1, RFC 5555 §3.1.3; SPEC-NOTES §15 item 13).
 *
 * What the raw path will need (a small addon or a maintained package): on Linux, privileges (root or CAP_NET_RAW);
 * AF_INET SOCK_RAW sockets for protocols 41, 4 and 50, whose reads include the IPv4 header, sent with IP_HDRINCL;
 * AF_INET6 SOCK_RAW for 50 and 135, which hand over the payload only, so the header chain is rebuilt from
 * IPV6_RECVPKTINFO / IPV6_RECVDSTOPTS / IPV6_RECVRTHDR ancillary data and sent through IPPROTO_RAW with the HAO or
 * RH2 in place (src/net/transport.ts); and the kernel kept from answering protocol 41/50 itself (no sit/xfrm
 * state for those addresses, or an nftables rule), or it sends ICMP errors for packets the node handles.
 */
import { readFileSync } from 'node:fs';

export type RawSocketUnavailableReason =
  /** Not root and no CAP_NET_RAW: the kernel refuses SOCK_RAW. */
  | 'not-privileged'
  /** Privileged, but this build has no raw socket implementation (node:dgram is UDP only). */
  | 'not-implemented';

export interface RawSocketSupport {
  readonly available: false;
  readonly reason: RawSocketUnavailableReason;
  /** A sentence for logs and the demo output. */
  readonly detail: string;
}

const CAP_NET_RAW_BIT = 13n; // linux/capability.h

/** Whether the process may open raw sockets: root, or CAP_NET_RAW in its effective set (/proc/self/status). */
export function hasRawSocketPrivilege(statusText?: string): boolean {
  let text = statusText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/status', 'utf8');
    } catch {
      return process.getuid?.() === 0;
    }
  }
  const m = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(text);
  if (!m) return process.getuid?.() === 0;
  return ((BigInt(`0x${m[1]}`) >> CAP_NET_RAW_BIT) & 1n) === 1n;
}

export function probeRawSockets(privileged: boolean = hasRawSocketPrivilege()): RawSocketSupport {
  if (!privileged) {
    return {
      available: false,
      reason: 'not-privileged',
      detail: 'raw IP sockets need root or CAP_NET_RAW; this process has neither',
    };
  }
  return {
    available: false,
    reason: 'not-implemented',
    detail: 'raw IP sockets are permitted, but this build has no raw socket module (node:dgram is UDP only)',
  };
}
