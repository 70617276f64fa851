/**
 * Keeps a kernel without Mobile IPv6 (no CONFIG_IPV6_MIP6, as on these machines) from answering the packets a
 * user-space node reads itself: a packet with a Home Address option (a BU from an IPv6 CoA, RFC 6275 §6.3) or a
 * type 2 routing header (a BA to an IPv6 CoA, §6.4) is, to such a kernel, an unknown option whose high bits say
 * "discard and send ICMP Parameter Problem" (RFC 8200 §4.2) or an unknown routing type with Segments Left 1 (§4.4).
 * The node already has the packet from its AF_PACKET socket (raw-transport.ts); an nftables input rule, limited to
 * the node's own addresses, drops the kernel's copy before the extension headers are parsed, so no ICMP error goes
 * back to the peer. The table is the process's own and is deleted on close.
 */
import { execFileSync } from 'node:child_process';
import type { Ipv6Address } from '../../util/ip-address.ts';

let guardCount = 0;

export class KernelGuard {
  private constructor(readonly table: string) {}

  /** Installs the rules, or returns why it could not (nft missing, no privilege): the node runs on, noisier. */
  static install(addresses: readonly Ipv6Address[]): KernelGuard | string {
    if (addresses.length === 0) return 'no IPv6 address to guard';
    // One table per guard: two nodes in one process (the demo's HA and UE) each remove only their own.
    const table = `dsmip_guard_${process.pid}_${++guardCount}`;
    try {
      execFileSync('nft', ['-f', '-'], {
        input: kernelGuardRuleset(table, addresses),
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      return new KernelGuard(table);
    } catch (e) {
      const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
      return `nft: ${stderr || (e as Error).message}`;
    }
  }

  remove(): void {
    try {
      execFileSync('nft', ['delete', 'table', 'ip6', this.table], { stdio: 'ignore' });
    } catch {
      // already gone (namespace deleted, or removed by hand)
    }
  }
}

/** The ruleset: input hook, before the kernel parses extension headers of packets to `addresses`. */
export function kernelGuardRuleset(table: string, addresses: readonly Ipv6Address[]): string {
  const set = addresses.map((a) => a.toString()).join(', ');
  return `table ip6 ${table} {
  chain input {
    type filter hook input priority -300; policy accept;
    ip6 daddr { ${set} } exthdr dst exists drop
    ip6 daddr { ${set} } rt type 2 drop
  }
}
`;
}
