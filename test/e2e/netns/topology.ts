/**
 * The end-to-end lab in network namespaces (after PEERS.md "Test hosts and a real NAT"), built fresh per test:
 *
 *   ue --(access link)-- gw --(WAN 198.51.100.0/24, 2001:db8:ffff::/64)-- ha --(core 10.20.0.0/24, 2001:db8:0:2::/64)-- cn
 *
 * The access link is one of:
 *   ipv4-nat   IPv4 only, 192.168.1.0/24 behind gw's nftables masquerade with a port range, so the UE's source
 *              ports really change (a plain masquerade keeps 4191 when free and hides the NAT from RFC 5555 §4.1)
 *   ipv4       IPv4 only, 192.0.2.0/24 routed by gw without NAT (the seed's plain-IPv4 BA, TS 24.303 §5.1.3.2)
 *   ipv6       IPv6 only, 2001:db8:a::/64 routed by gw (the BU in IPv6 with HAO, RFC 6275 §6.3)
 * The HA has 198.51.100.1 and 2001:db8:ffff::1 on its WAN link; the correspondent node 10.20.0.2 and 2001:db8:0:2::2
 * sits behind it. Namespace names carry the test process's PID and a tag, so parallel runs never collide; a
 * namespace left by a crashed run (its PID gone) is deleted by the next `buildLab`.
 */
import { execFileSync } from 'node:child_process';

export type AccessKind = 'ipv4-nat' | 'ipv4' | 'ipv6';

export interface Lab {
  readonly access: AccessKind;
  readonly ns: { readonly ue: string; readonly gw: string; readonly ha: string; readonly cn: string };
  /** The UE's address on its access link (its care-of address). */
  readonly ueAddress: string;
  /** The gateway's address towards the HA: the NAT's public address in `ipv4-nat`. */
  readonly gwWanIpv4: string;
  readonly haIpv4: string;
  readonly haIpv6: string;
  readonly cnIpv4: string;
  readonly cnIpv6: string;
  /** The HA's WAN interface (inside `ns.ha`), where the capture runs. */
  readonly haWanInterface: string;
  /** The port range the NAT maps UDP sources into (`ipv4-nat` only). */
  readonly natPorts: { readonly first: number; readonly last: number };
  dispose(): void;
}

const PREFIX = 'dsmipe2e';
const created = new Set<string>();
let exitHookInstalled = false;

function run(cmd: string, args: readonly string[], input?: string): string {
  return execFileSync(cmd, args, {
    encoding: 'utf8',
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    ...(input === undefined ? {} : { input }),
  });
}

const ip = (...args: string[]): string => run('ip', args);
const inNs = (ns: string, cmd: string, ...args: string[]): string => run('ip', ['netns', 'exec', ns, cmd, ...args]);

function deleteNamespace(name: string): void {
  try {
    ip('netns', 'del', name);
  } catch {
    // already gone
  }
  created.delete(name);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes lab namespaces whose creating process no longer exists (a run killed before its cleanup). */
export function deleteStaleLabs(): void {
  const re = new RegExp(`^${PREFIX}(\\d+)[a-z][a-z0-9]*$`);
  for (const line of ip('netns', 'list').split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const pid = Number(re.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)) deleteNamespace(name);
  }
}

/** NAT with a source port range (PEERS.md): masquerade alone would keep port 4191 and nothing would be detected. */
const NAT_RULES = (first: number, last: number) => `table ip dsmip_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "gw-wan" ip saddr 192.168.1.0/24 meta l4proto { tcp, udp } masquerade to :${first}-${last}
    oifname "gw-wan" ip saddr 192.168.1.0/24 masquerade
  }
}
`;

function addNamespace(name: string): void {
  ip('netns', 'add', name);
  created.add(name);
  // DAD off before any link exists: tentative addresses cannot be bound (PEERS.md "DHCP and DNS servers").
  inNs(name, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0');
  ip('-n', name, 'link', 'set', 'lo', 'up');
}

function veth(a: string, aNs: string, b: string, bNs: string): void {
  ip('link', 'add', a, 'netns', aNs, 'type', 'veth', 'peer', 'name', b, 'netns', bNs);
}

function buildAccess(lab: Lab): void {
  const { ue, gw, ha } = lab.ns;
  if (lab.access === 'ipv6') {
    ip('-n', ue, 'addr', 'add', `${lab.ueAddress}/64`, 'dev', 'ue0', 'nodad');
    ip('-n', gw, 'addr', 'add', '2001:db8:a::1/64', 'dev', 'gw-lan', 'nodad');
    ip('-n', ue, 'link', 'set', 'ue0', 'up');
    ip('-n', ue, '-6', 'route', 'add', 'default', 'via', '2001:db8:a::1');
    ip('-n', ha, '-6', 'route', 'add', '2001:db8:a::/64', 'via', '2001:db8:ffff::254');
    return;
  }
  // IPv4-only access: no IPv6 on the access link (the IPv4 care-of address case, RFC 5555 §4.1); the UE still
  // has IPv6 inside, on its TUN device with the IPv6 HoA.
  inNs(ue, 'sysctl', '-qw', 'net.ipv6.conf.ue0.disable_ipv6=1');
  inNs(gw, 'sysctl', '-qw', 'net.ipv6.conf.gw-lan.disable_ipv6=1');
  const lan = lab.access === 'ipv4-nat' ? '192.168.1' : '192.0.2';
  ip('-n', ue, 'addr', 'add', `${lab.ueAddress}/24`, 'dev', 'ue0');
  ip('-n', gw, 'addr', 'add', `${lan}.1/24`, 'dev', 'gw-lan');
  ip('-n', ue, 'link', 'set', 'ue0', 'up');
  ip('-n', ue, 'route', 'add', 'default', 'via', `${lan}.1`);
  if (lab.access === 'ipv4') ip('-n', ha, 'route', 'add', `${lan}.0/24`, 'via', lab.gwWanIpv4);
  else run('ip', ['netns', 'exec', gw, 'nft', '-f', '-'], NAT_RULES(lab.natPorts.first, lab.natPorts.last));
}

function buildCore(lab: Lab): void {
  const { gw, ha, cn } = lab.ns;
  inNs(gw, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1');
  ip('-n', gw, 'addr', 'add', `${lab.gwWanIpv4}/24`, 'dev', 'gw-wan');
  ip('-n', gw, 'addr', 'add', '2001:db8:ffff::254/64', 'dev', 'gw-wan', 'nodad');
  ip('-n', gw, 'link', 'set', 'gw-lan', 'up');
  ip('-n', gw, 'link', 'set', 'gw-wan', 'up');
  ip('-n', gw, 'route', 'add', 'default', 'via', lab.haIpv4);
  ip('-n', gw, '-6', 'route', 'add', 'default', 'via', lab.haIpv6);

  inNs(ha, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1');
  ip('-n', ha, 'addr', 'add', `${lab.haIpv4}/24`, 'dev', 'ha-wan');
  ip('-n', ha, 'addr', 'add', `${lab.haIpv6}/64`, 'dev', 'ha-wan', 'nodad');
  ip('-n', ha, 'addr', 'add', '10.20.0.1/24', 'dev', 'ha-core');
  ip('-n', ha, 'addr', 'add', '2001:db8:0:2::1/64', 'dev', 'ha-core', 'nodad');
  ip('-n', ha, 'link', 'set', 'ha-wan', 'up');
  ip('-n', ha, 'link', 'set', 'ha-core', 'up');

  ip('-n', cn, 'addr', 'add', `${lab.cnIpv4}/24`, 'dev', 'cn0');
  ip('-n', cn, 'addr', 'add', `${lab.cnIpv6}/64`, 'dev', 'cn0', 'nodad');
  ip('-n', cn, 'link', 'set', 'cn0', 'up');
  ip('-n', cn, 'route', 'add', 'default', 'via', '10.20.0.1');
  ip('-n', cn, '-6', 'route', 'add', 'default', 'via', '2001:db8:0:2::1');
}

/**
 * Builds the four namespaces for one test (about 0.2 s); `tag` (a letter, then up to 3 letters or digits, so the
 * PID before it stays readable) tells a file's labs apart.
 */
export function buildLab(access: AccessKind, tag: string): Lab {
  if (!/^[a-z][a-z0-9]{0,3}$/.test(tag)) throw new RangeError(`tag ${tag}: a letter, then up to 3 letters or digits`);
  deleteStaleLabs();
  const base = `${PREFIX}${process.pid}${tag}`;
  const ns = { ue: `${base}u`, gw: `${base}g`, ha: `${base}h`, cn: `${base}c` };
  const lab: Lab = {
    access,
    ns,
    ueAddress: access === 'ipv6' ? '2001:db8:a::10' : access === 'ipv4' ? '192.0.2.10' : '192.168.1.10',
    gwWanIpv4: '198.51.100.254',
    haIpv4: '198.51.100.1',
    haIpv6: '2001:db8:ffff::1',
    cnIpv4: '10.20.0.2',
    cnIpv6: '2001:db8:0:2::2',
    haWanInterface: 'ha-wan',
    natPorts: { first: 40000, last: 40999 },
    dispose: () => {
      for (const n of Object.values(ns)) deleteNamespace(n);
    },
  };
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const n of [...created]) deleteNamespace(n);
    });
    // A signal (a runner's timeout, Ctrl-C) skips exit hooks unless someone exits: do, so the lab goes too.
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(code));
    }
  }
  try {
    for (const n of Object.values(ns)) addNamespace(n);
    veth('ue0', ns.ue, 'gw-lan', ns.gw);
    veth('gw-wan', ns.gw, 'ha-wan', ns.ha);
    veth('ha-core', ns.ha, 'cn0', ns.cn);
    buildCore(lab);
    buildAccess(lab);
  } catch (e) {
    lab.dispose();
    throw e;
  }
  return lab;
}

/** Runs a command inside a lab namespace and returns its standard output. */
export function runIn(ns: string, cmd: string, ...args: string[]): string {
  return inNs(ns, cmd, ...args);
}

/** The NAT's UDP conntrack entries (`conntrack -L -p udp`), one line each, for mapping checks. */
export function natConntrack(lab: Lab): string[] {
  // conntrack prints its summary line on stderr; the entries come on stdout.
  return inNs(lab.ns.gw, 'conntrack', '-L', '-p', 'udp')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

/** The NAT's public address and port for a UDP flow from the UE's `sourcePort` (the reply tuple's destination). */
export function natMapping(lab: Lab, sourcePort: number): { address: string; port: number } | undefined {
  const tuple = /src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)/g;
  for (const line of natConntrack(lab)) {
    const [orig, reply] = [...line.matchAll(tuple)];
    if (!orig || !reply || orig[1] !== lab.ueAddress || Number(orig[3]) !== sourcePort) continue;
    return { address: reply[2]!, port: Number(reply[4]) };
  }
  return undefined;
}

/** Empties the NAT's connection tracking table (`conntrack -F`): every mapping is forgotten at once. */
export function flushNatConntrack(lab: Lab): void {
  inNs(lab.ns.gw, 'conntrack', '-F');
}
