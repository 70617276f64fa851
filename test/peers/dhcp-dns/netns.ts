/**
 * A point-to-point link between two network namespaces made for one test run: `server` (fd77::1/64, 10.77.0.1/24)
 * and `client` (fd77::2/64, 10.77.0.2/24), over a veth pair. Names carry the test process's PID and a tag, so test
 * files running in parallel never collide. DAD is switched off in both namespaces before the veth exists
 * (otherwise the link-local address stays tentative and nothing binds to it). `dispose()` deletes both namespaces
 * (the veth goes with them); an exit hook deletes any left behind.
 */
import { execFileSync } from 'node:child_process';

export interface DhcpLink {
  readonly serverNs: string;
  readonly clientNs: string;
  readonly serverIf: string;
  readonly clientIf: string;
  dispose(): void;
}

const created = new Set<string>();
let hookInstalled = false;

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function deleteNamespace(name: string): void {
  try {
    ip('netns', 'del', name);
  } catch {
    // already gone
  }
  created.delete(name);
}

function waitNoTentative(ns: string, ifname: string, timeoutMs: number): void {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const out = ip('-n', ns, '-6', 'addr', 'show', 'dev', ifname);
    if (out.includes('fe80') && !out.includes('tentative')) return;
    if (Date.now() > until) throw new Error(`${ns}/${ifname} addresses stay tentative:\n${out}`);
    execFileSync('sleep', ['0.05']);
  }
}

export function createDhcpLink(tag: string): DhcpLink {
  if (!/^[a-z0-9]{1,3}$/.test(tag)) throw new RangeError(`tag ${tag}: 1-3 lower-case letters or digits`);
  const base = `dd${process.pid}${tag}`;
  const link: DhcpLink = {
    serverNs: `${base}s`,
    clientNs: `${base}c`,
    serverIf: `${base}S`.slice(-15),
    clientIf: `${base}C`.slice(-15),
    dispose: () => {
      deleteNamespace(link.serverNs);
      deleteNamespace(link.clientNs);
    },
  };
  if (!hookInstalled) {
    hookInstalled = true;
    process.on('exit', () => {
      for (const ns of [...created]) deleteNamespace(ns);
    });
  }
  try {
    for (const ns of [link.serverNs, link.clientNs]) {
      ip('netns', 'add', ns);
      created.add(ns);
      execFileSync('ip', [
        'netns',
        'exec',
        ns,
        'sysctl',
        '-qw',
        'net.ipv6.conf.all.accept_dad=0',
        'net.ipv6.conf.default.accept_dad=0',
      ]);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    ip(
      'link',
      'add',
      link.serverIf,
      'netns',
      link.serverNs,
      'type',
      'veth',
      'peer',
      'name',
      link.clientIf,
      'netns',
      link.clientNs,
    );
    ip('-n', link.serverNs, 'addr', 'add', 'fd77::1/64', 'dev', link.serverIf, 'nodad');
    ip('-n', link.serverNs, 'addr', 'add', '10.77.0.1/24', 'dev', link.serverIf);
    ip('-n', link.clientNs, 'addr', 'add', 'fd77::2/64', 'dev', link.clientIf, 'nodad');
    ip('-n', link.clientNs, 'addr', 'add', '10.77.0.2/24', 'dev', link.clientIf);
    ip('-n', link.serverNs, 'link', 'set', link.serverIf, 'up');
    ip('-n', link.clientNs, 'link', 'set', link.clientIf, 'up');
    waitNoTentative(link.serverNs, link.serverIf, 5000);
    waitNoTentative(link.clientNs, link.clientIf, 5000);
  } catch (e) {
    link.dispose();
    throw e;
  }
  return link;
}

/** Runs `ip -n <ns> <args>` (e.g. a route for the test). */
export function ipIn(ns: string, ...args: string[]): void {
  ip('-n', ns, ...args);
}

/** The link-local address of `ifname` in `ns` (RFC 8415 §17: the DHCPv6 client's source on the access link). */
export function linkLocalAddress(ns: string, ifname: string): string {
  const m = /inet6 (fe80::[0-9a-f:]+)\//.exec(ip('-n', ns, '-6', 'addr', 'show', 'dev', ifname));
  if (!m?.[1]) throw new Error(`no link-local address on ${ns}/${ifname}`);
  return m[1];
}
