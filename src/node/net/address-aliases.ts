/**
 * Lab addressing for nodes that share one host's loopback interface (the demo, the end-to-end tests). A node may
 * only use a unicast routable care-of address: 127/8 is never one (RFC 1122 §3.2.1.3 "MUST NOT appear outside a
 * host"; RFC 6275 §9.5.1 and RFC 5555 §4.2 make the HA drop BUs from it, and src/mip does). So each such node gets
 * a documentation address (RFC 5737, e.g. 192.0.2.100) that is carried on a loopback address (127.0.0.2) by the
 * sockets: the node binds, sends from and is reached at the documentation address, the kernel sees the loopback
 * one. Every node of the lab shares one table, so both ends of a datagram see the same addresses.
 *
 * Without aliases (a real network) every address maps to itself.
 */
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';

/** A lab address and the loopback address that carries it. */
export interface AddressAlias {
  /** The address the nodes use (bound, sent from, sent to). */
  readonly address: IpAddress;
  /** The loopback address that carries it on the host. */
  readonly via: IpAddress;
}

/** Same family and same bytes. */
export function sameAddress(a: IpAddress, b: IpAddress): boolean {
  if (a.bytes.length !== b.bytes.length) return false;
  for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

function key(a: IpAddress): string {
  return a.toString();
}

function isLoopback(a: IpAddress): boolean {
  if (a instanceof Ipv4Address) return a.bytes[0] === 127;
  return a.equals(Ipv6Address.parse('::1'));
}

/** Lab addresses carried by loopback addresses: sockets bind the loopback one, traces and messages show the lab one. */
export class AddressAliases {
  static readonly NONE = new AddressAliases([]);
  private readonly toHost = new Map<string, IpAddress>();
  private readonly toNode = new Map<string, IpAddress>();

  /** RangeError when an alias is not 1:1, mixes families, or is not carried by a loopback address. */
  constructor(readonly entries: readonly AddressAlias[]) {
    for (const e of entries) {
      if (e.address.bytes.length !== e.via.bytes.length)
        throw new RangeError(`alias ${e.address} → ${e.via}: families differ`);
      if (!isLoopback(e.via))
        throw new RangeError(`alias ${e.address} → ${e.via}: only a loopback address can carry an alias`);
      if (isLoopback(e.address)) throw new RangeError(`alias ${e.address}: a loopback address needs no alias`);
      if (this.toHost.has(key(e.address)) || this.toNode.has(key(e.via))) {
        throw new RangeError(`alias ${e.address} → ${e.via}: each address and each loopback address once`);
      }
      this.toHost.set(key(e.address), e.via);
      this.toNode.set(key(e.via), e.address);
    }
  }

  /** The address the kernel uses for `a` (itself when not aliased). */
  toWire<A extends IpAddress>(a: A): A {
    return (this.toHost.get(key(a)) as A | undefined) ?? a;
  }

  /** The address the nodes use for the kernel's `a` (itself when not aliased). */
  fromWire<A extends IpAddress>(a: A): A {
    return (this.toNode.get(key(a)) as A | undefined) ?? a;
  }
}
