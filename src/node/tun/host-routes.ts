/**
 * Host routes that keep the tunnel's own outer packets off the tunnel: once the UE's TUN carries a default route (or
 * any prefix holding the HA's address), packets to the HA would loop into the device. Each HA address is pinned to
 * the path the kernel uses for it before the device's routes go in (`ip route get`), and unpinned on close. After a
 * move the pins are redone through the interface that holds the new care-of address (`oif`): the device's routes
 * are in place by then, and a plain lookup would answer with the device itself. Linux `ip` (iproute2).
 */
import type { IpAddress } from '../../util/ip-address.ts';
import { type IpRunner, isNoRoute, runIp } from './iproute2.ts';

export interface HostRoutePinner {
  /**
   * Pins `addresses` to their current path, through the interface holding `careOf` when given; returns what to run
   * to undo it. When one pin fails, those already made are undone before the error is thrown.
   */
  pin(addresses: readonly IpAddress[], careOf?: IpAddress): () => void;
}

interface RouteGet {
  readonly dev?: string;
  readonly gateway?: string;
}

const familyOf = (a: IpAddress): '-4' | '-6' => (a.bytes.length === 4 ? '-4' : '-6');

/** The `ip` commands, as a function of the runner (tests give their own). */
export function iproute2Pinner(run: IpRunner = runIp): HostRoutePinner {
  /** `ip -j route get A [oif D]`, or undefined when the kernel has no route to A that way. */
  const currentRoute = (a: IpAddress, oif: string | undefined): RouteGet | undefined => {
    let out: string;
    try {
      out = run([familyOf(a), '-j', 'route', 'get', a.toString(), ...(oif ? ['oif', oif] : [])]);
    } catch (e) {
      if (isNoRoute(e)) return undefined;
      throw e;
    }
    return (JSON.parse(out) as RouteGet[])[0];
  };
  /** The interface that holds `a` (`ip -j addr show to A`). */
  const interfaceOf = (a: IpAddress): string | undefined => {
    const out = run([familyOf(a), '-j', 'addr', 'show', 'to', a.toString()]);
    return (JSON.parse(out) as { ifname?: string }[])[0]?.ifname;
  };
  const undoAll = (undo: readonly string[][]) => {
    for (const args of undo) {
      try {
        run(args);
      } catch {
        // Already gone (the link went down with it): nothing to undo.
      }
    }
  };
  return {
    pin(addresses, careOf) {
      const undo: string[][] = [];
      try {
        const oif = careOf === undefined ? undefined : interfaceOf(careOf);
        for (const a of addresses) {
          const family = familyOf(a);
          const host = `${a}/${a.bytes.length === 4 ? 32 : 128}`;
          const route = currentRoute(a, oif);
          // A local address needs no pin; nor does one without a route (the HA's IPv6 address on an IPv4-only
          // access is reached only inside the tunnel, RFC 5555 §4.1, so no outer packet goes to it).
          if (route?.dev === undefined || route.dev === 'lo') continue;
          const via = route.gateway ? ['via', route.gateway] : [];
          run([family, 'route', 'replace', host, ...via, 'dev', route.dev]);
          undo.push([family, 'route', 'del', host, ...via, 'dev', route.dev]);
        }
      } catch (e) {
        undoAll(undo);
        throw e;
      }
      return () => undoAll(undo);
    },
  };
}

/** The pinner that runs `ip`: `ip -j route get A [oif D]`, then `ip route replace A/32|128 [via G] dev D`. */
export const IPROUTE2_PINNER: HostRoutePinner = iproute2Pinner();
