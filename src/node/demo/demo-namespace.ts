/**
 * The demo as root: raw IP sockets carry the kernel's real addresses, which the loopback aliases of demo-lab.ts
 * cannot give them. So a process that may open raw sockets runs the demo again inside a private network namespace
 * (`unshare --net`, util-linux), brings `lo` up there and puts the lab's real addresses on it; the nodes then bind
 * them directly and raw sockets work: the BA in plain IPv4 protocol 41 without NAT (TS 24.303 §5.1.3.2), and IPv6
 * access (the BU with the Home Address option, the BA with a type 2 routing header, RFC 6275 §6.3–§6.4). The host's
 * own network is never touched, and everything is gone when the process ends.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { constants } from 'node:os';
import { type IpAddress, Ipv4Address } from '../../util/ip-address.ts';
import { probeRawSockets } from '../net/raw-sockets.ts';

/**
 * Set by the parent for the child it starts in the namespace: the parent's own network namespace (`net:[…]`), so the
 * child can tell it is elsewhere; with it set no other namespace is ever started.
 */
export const DEMO_NAMESPACE_ENV = 'DSMIP_DEMO_NAMESPACE';
const OWN_NAMESPACE = '/proc/self/ns/net';
const INIT_NAMESPACE = '/proc/1/ns/net';

export type DemoNamespacePlan =
  /** This process is the one started in the namespace: configure `lo` and run with real addresses. */
  | { readonly kind: 'inside' }
  /** Raw sockets and `unshare --net` work: run the demo again in a namespace. */
  | { readonly kind: 'enter' }
  /** Run on loopback aliases (no raw sockets), and why. */
  | { readonly kind: 'aliases'; readonly reason: string };

/** Reads a namespace link such as `/proc/self/ns/net` (`net:[4026531840]`). */
export type NamespaceReader = (path: string) => string;

/**
 * Whether this process is the child `runInPrivateNamespace` started: the marker names the parent's namespace and this
 * one is another, and not init's either where that can be read (from a new namespace it often cannot). A marker left
 * in a shell's environment must never put the lab's addresses on the host's `lo`.
 */
export function insideDemoNamespace(
  env: NodeJS.ProcessEnv = process.env,
  readNamespace: NamespaceReader = readlinkSync,
): boolean {
  const parent = env[DEMO_NAMESPACE_ENV];
  if (parent === undefined || !/^net:\[\d+\]$/.test(parent)) return false;
  let own: string;
  try {
    own = readNamespace(OWN_NAMESPACE);
  } catch {
    return false;
  }
  if (own === parent) return false;
  try {
    return readNamespace(INIT_NAMESPACE) !== own;
  } catch {
    return true; // pid 1's link is not ours to read: the parent's record decides
  }
}

/** Which way `dsmip demo` runs here. Probes with one short `unshare --net true`. */
export function demoNamespacePlan(
  env: NodeJS.ProcessEnv = process.env,
  readNamespace: NamespaceReader = readlinkSync,
): DemoNamespacePlan {
  if (env[DEMO_NAMESPACE_ENV] !== undefined) {
    // Never a namespace within a namespace: with the marker set, the demo runs where it is.
    if (insideDemoNamespace(env, readNamespace)) return { kind: 'inside' };
    return { kind: 'aliases', reason: `${DEMO_NAMESPACE_ENV} is set, but this is not a namespace the demo made` };
  }
  const raw = probeRawSockets();
  if (!raw.available) return { kind: 'aliases', reason: raw.detail };
  const unshare = spawnSync('unshare', ['--net', 'true'], { stdio: 'ignore', timeout: 5000 });
  if (unshare.error || unshare.status !== 0) {
    const why = unshare.error ? 'util-linux `unshare` is not installed' : '`unshare --net` is not permitted here';
    return { kind: 'aliases', reason: `${why}, so no private network namespace for raw sockets` };
  }
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).error) {
    return { kind: 'aliases', reason: 'iproute2 `ip` is not installed, so no addresses in a private namespace' };
  }
  return { kind: 'enter' };
}

/**
 * Runs `node <entry> <args>` inside `unshare --net` with the marker (this namespace) set, output to this process's;
 * resolves with its exit code. SIGINT and SIGTERM are passed on, so the child deregisters and cleans up as it would alone.
 */
export function runInPrivateNamespace(entry: string, args: readonly string[]): Promise<number> {
  const child = spawn('unshare', ['--net', '--', process.execPath, entry, ...args], {
    stdio: 'inherit',
    env: { ...process.env, [DEMO_NAMESPACE_ENV]: readlinkSync(OWN_NAMESPACE) },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    const done = (code: number) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code);
    };
    child.once('error', () => done(1));
    child.once('exit', (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  });
}

/** The `ip addr add` arguments for one host address on `lo` (IPv6 without duplicate address detection). */
export function loopbackAddressArgs(a: IpAddress): string[] {
  return a instanceof Ipv4Address
    ? ['-4', 'addr', 'add', `${a}/32`, 'dev', 'lo']
    : ['-6', 'addr', 'add', `${a}/128`, 'dev', 'lo', 'nodad'];
}

/** Inside the namespace: `lo` up with the lab's addresses (local routes come with them). */
export function configureNamespaceLoopback(addresses: readonly IpAddress[]): void {
  const ip = (args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ip(['link', 'set', 'lo', 'up']);
  for (const a of addresses) ip(loopbackAddressArgs(a));
}
