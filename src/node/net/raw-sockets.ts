/**
 * The raw-IP capability probe. DSMIPv6 needs raw IP for protocol 41 (a BA in plain IPv4 without NAT, TS 24.303
 * §5.1.3.2), 4, ESP (50) and MH (135) over IPv6 (HAO/RH2 framing, RFC 6275 §6.3–§6.4). Node has no raw sockets;
 * the native addon (native/dsmip-native.c, src/node/net/raw-transport.ts) opens them on Linux with root or
 * CAP_NET_RAW. When either is missing the probe says why, and nodes adapt (the UE asks for UDP with F = 1, RFC 5555
 * §3.1.3; SPEC-NOTES §15 item 13).
 */
import { readFileSync } from 'node:fs';
import { nativeAvailability } from './native.ts';

export type RawSocketUnavailableReason =
  /** Not root and no CAP_NET_RAW: the kernel refuses SOCK_RAW. */
  | 'not-privileged'
  /** Privileged, but the native addon is not built or cannot load (or raw IP is not wanted for this socket set). */
  | 'not-implemented';

/** Raw IP sockets available, or the reason they are not. */
export type RawSocketSupport =
  | { readonly available: true }
  | {
      readonly available: false;
      readonly reason: RawSocketUnavailableReason;
      /** A sentence for logs and the demo output. */
      readonly detail: string;
    };

/** Capability bits of linux/capability.h the nodes need. */
export const Capability = { NET_ADMIN: 12n, NET_RAW: 13n } as const;

/** Whether the process holds capability `bit` in its effective set (/proc/self/status `CapEff`, or `statusText`). */
export function hasCapability(bit: bigint, statusText?: string): boolean {
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
  return ((BigInt(`0x${m[1]}`) >> bit) & 1n) === 1n;
}

/** Whether the process may open raw sockets: root, or CAP_NET_RAW in its effective set. */
export function hasRawSocketPrivilege(statusText?: string): boolean {
  return hasCapability(Capability.NET_RAW, statusText);
}

/** Whether this process can open raw IP sockets (privilege and the native addon), and why not. */
export function probeRawSockets(
  privileged: boolean = hasRawSocketPrivilege(),
  native: ReturnType<typeof nativeAvailability> = nativeAvailability(),
): RawSocketSupport {
  if (!privileged) {
    return {
      available: false,
      reason: 'not-privileged',
      detail: 'raw IP sockets need root or CAP_NET_RAW; this process has neither',
    };
  }
  if (!native.available) {
    return {
      available: false,
      reason: 'not-implemented',
      detail: `raw IP sockets are permitted, but ${native.reason}`,
    };
  }
  return { available: true };
}

/** For nodes that use UDP only (a NAT relay, a DNS server), or callers that choose not to use raw IP. */
export function rawSocketsNotUsed(detail: string): RawSocketSupport {
  return { available: false, reason: 'not-implemented', detail };
}
