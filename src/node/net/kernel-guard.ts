/**
 * Keeps a kernel without Mobile IPv6 (no CONFIG_IPV6_MIP6, as on these machines) from answering the IPv6 packets a
 * user-space node reads itself from AF_PACKET (ipv6-packet-reader.ts):
 *  - a packet with a Home Address option (a BU from an IPv6 CoA, RFC 6275 §6.3) or a type 2 routing header (a BA to
 *    an IPv6 CoA, §6.4) is, to such a kernel, an unknown option whose high bits say "discard and send ICMP Parameter
 *    Problem" (RFC 8200 §4.2) or an unknown routing type with Segments Left 1 (§4.4);
 *  - a packet of a protocol the node reads raw (ESP, 41, 4, MH) draws Parameter Problem "unrecognized Next Header"
 *    (RFC 4443 §3.4) when the kernel has no handler, and Port Unreachable from the tunnel modules when it has one.
 * An nftables input rule at priority raw, matched against two named sets (the node's IPv6 addresses and the
 * protocols it reads), drops the kernel's copy before the extension headers are parsed; the AF_PACKET tap has
 * already seen the packet. The sets follow the node (`update`: a UE's care-of address moves). The table is the
 * process's own, named after its pid: `remove` deletes it on an orderly stop, and `install` deletes the tables of
 * processes that are gone (a crash, a kill -9). Pids are read in the caller's pid namespace.
 */
import { execFileSync } from 'node:child_process';
import type { Ipv6Address } from '../../util/ip-address.ts';

const TABLE_PREFIX = 'dsmip_guard_';
let guardCount = 0;

export interface GuardedSet {
  readonly addresses: readonly Ipv6Address[];
  readonly protocols: readonly number[];
}

export class KernelGuard {
  private current: string;

  private constructor(
    readonly table: string,
    guarded: GuardedSet,
  ) {
    this.current = keyOf(guarded);
  }

  /** Installs the rules, or returns why it could not (nft missing, no privilege): the node runs on, noisier. */
  static install(guarded: GuardedSet): KernelGuard | string {
    removeStaleGuards();
    // One table per guard: two nodes in one process (the demo's HA and UE) each remove only their own.
    const table = `${TABLE_PREFIX}${process.pid}_${++guardCount}`;
    const failed = nft(kernelGuardRuleset(table) + kernelGuardElements(table, guarded));
    return failed ?? new KernelGuard(table, guarded);
  }

  /** Replaces both sets in one transaction (a no-op when they did not change); why it failed, or undefined. */
  update(guarded: GuardedSet): string | undefined {
    const key = keyOf(guarded);
    if (key === this.current) return undefined;
    const failed = nft(kernelGuardElements(this.table, guarded));
    if (failed === undefined) this.current = key;
    return failed;
  }

  remove(): void {
    try {
      execFileSync('nft', ['delete', 'table', 'ip6', this.table], { stdio: 'ignore' });
    } catch {
      // already gone (namespace deleted, or removed by hand)
    }
  }
}

function keyOf(g: GuardedSet): string {
  return `${g.addresses.map(String).sort().join(',')}/${[...g.protocols].sort((a, b) => a - b).join(',')}`;
}

function nft(script: string): string | undefined {
  try {
    execFileSync('nft', ['-f', '-'], { input: script, stdio: ['pipe', 'ignore', 'pipe'] });
    return undefined;
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    return `nft: ${stderr || (e as Error).message}`;
  }
}

/** The table: input hook at priority raw (-300), before the kernel parses extension headers or hands on a protocol. */
export function kernelGuardRuleset(table: string): string {
  return `table ip6 ${table} {
  set addresses { type ipv6_addr; }
  set protocols { type inet_proto; }
  chain input {
    type filter hook input priority -300; policy accept;
    ip6 daddr @addresses exthdr dst exists drop
    ip6 daddr @addresses rt type 2 drop
    ip6 daddr @addresses meta l4proto @protocols drop
  }
}
`;
}

/** Flushes both sets and adds the elements (an empty set stays empty: `add element` needs at least one). */
export function kernelGuardElements(table: string, g: GuardedSet): string {
  const lines = [`flush set ip6 ${table} addresses`, `flush set ip6 ${table} protocols`];
  if (g.addresses.length > 0) lines.push(`add element ip6 ${table} addresses { ${g.addresses.join(', ')} }`);
  if (g.protocols.length > 0) lines.push(`add element ip6 ${table} protocols { ${g.protocols.join(', ')} }`);
  return `${lines.join('\n')}\n`;
}

/** Guard tables in `nft list tables ip6` output whose process is not alive. */
export function staleGuardTables(listing: string, isAlive: (pid: number) => boolean): string[] {
  const stale: string[] = [];
  for (const m of listing.matchAll(/^table ip6 (dsmip_guard_(\d+)_\d+)$/gm)) {
    if (!isAlive(Number(m[2]))) stale.push(m[1]!);
  }
  return stale;
}

export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** Best effort: another process may be removing the same table at the same moment. */
function removeStaleGuards(): void {
  let listing: string;
  try {
    listing = execFileSync('nft', ['list', 'tables', 'ip6'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return; // no nft or no privilege: install says why
  }
  for (const table of staleGuardTables(listing, isProcessAlive)) {
    try {
      execFileSync('nft', ['delete', 'table', 'ip6', table], { stdio: 'ignore' });
    } catch {
      // gone already
    }
  }
}
