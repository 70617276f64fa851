/**
 * Host routes that keep the tunnel's own outer packets off the tunnel: once the UE's TUN carries a default route (or
 * any prefix holding the HA's address), packets to the HA would loop into the device. Each HA address is pinned to
 * the path the kernel uses for it before the device's routes go in (`ip route get`), and unpinned on close. Linux
 * `ip` (iproute2), as src/node/net/tun-device.ts uses.
 */
import { execFileSync } from 'node:child_process';
import type { IpAddress } from '../../util/ip-address.ts';

export interface HostRoutePinner {
  /** Pins `addresses` to their current path; returns what to run to undo it. */
  pin(addresses: readonly IpAddress[]): () => void;
}

interface RouteGet {
  readonly dev?: string;
  readonly gateway?: string;
}

function ip(args: readonly string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `ip -j route get A`, or undefined when the kernel has no route to A (ENETUNREACH). */
function currentRoute(family: '-4' | '-6', a: IpAddress): RouteGet | undefined {
  let out: string;
  try {
    out = ip([family, '-j', 'route', 'get', a.toString()]);
  } catch (e) {
    if (/unreachable|no route/i.test(String((e as { stderr?: unknown }).stderr))) return undefined;
    throw e;
  }
  return (JSON.parse(out) as RouteGet[])[0];
}

/** The pinner that runs `ip`: `ip -j route get A`, then `ip route replace A/32|128 [via G] dev D`. */
export const IPROUTE2_PINNER: HostRoutePinner = {
  pin(addresses) {
    const undo: string[][] = [];
    for (const a of addresses) {
      const family = a.bytes.length === 4 ? '-4' : '-6';
      const host = `${a}/${a.bytes.length === 4 ? 32 : 128}`;
      const route = currentRoute(family, a);
      // A local address needs no pin; nor does one without a route (the HA's IPv6 address on an IPv4-only access
      // is reached only inside the tunnel, RFC 5555 §4.1, so no outer packet goes to it).
      if (route?.dev === undefined || route.dev === 'lo') continue;
      const via = route.gateway ? ['via', route.gateway] : [];
      ip([family, 'route', 'replace', host, ...via, 'dev', route.dev]);
      undo.push([family, 'route', 'del', host, ...via, 'dev', route.dev]);
    }
    return () => {
      for (const args of undo) {
        try {
          ip(args);
        } catch {
          // Already gone (the link went down with it): nothing to undo.
        }
      }
    };
  },
};

/** For tests and hosts where the tunnel's routes cannot cover the HA. */
export const NO_PINNING: HostRoutePinner = { pin: () => () => {} };
