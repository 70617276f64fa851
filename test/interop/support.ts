/**
 * Shared pieces of the interop tests: a fresh strongSwan-made PKI whose HA certificate names the HA-APN, and our
 * HA / UE on UDP endpoints with EAP-AKA set 1 (src/node/ike/test-support.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IkeResponder } from '../../src/ike/responder.ts';
import type { HomePrefixPool } from '../../src/ike/tasks/ike-config.ts';
import { akaHaConfig, EventLog, set1Store } from '../../src/node/ike/test-support.ts';
import { UdpIkeEndpoint } from '../../src/node/ike/udp-endpoint.ts';
import type { KeyLogWriter } from '../../src/obs/keylog.ts';
import { type Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import { encodeMobilityHeader } from '../../src/wire/mh/header.ts';
import { makeTestPki, type TestPki } from '../peers/strongswan/pki.ts';

/** A CA and an HA certificate for `identity` (ECDSA P-256), made with strongSwan's `pki` in a throw-away dir. */
export function freshPki(identity: string): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-interop-pki-'));
  try {
    return makeTestPki(dir, [identity]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Hands every subscriber 2001:db8:<n>::/64 and records who holds what (RFC 5026 §5.3.2 unique prefixes). */
export function recordingPool(): HomePrefixPool & { readonly held: Map<string, string> } {
  const held = new Map<string, string>();
  let next = 1;
  return {
    held,
    allocate(subscriber, ikeSaId) {
      const prefix = Ipv6Address.parse(`2001:db8:${(next++).toString(16)}::`);
      held.set(`${subscriber}/${ikeSaId}`, prefix.toString());
      return { prefix, prefixLength: 64 };
    },
    release(subscriber, ikeSaId) {
      held.delete(`${subscriber}/${ikeSaId}`);
    },
  };
}

export interface OurHa {
  readonly endpoint: UdpIkeEndpoint<IkeResponder>;
  readonly log: EventLog;
  readonly pool: ReturnType<typeof recordingPool>;
  readonly store: ReturnType<typeof set1Store>;
}

export interface OurHaOptions {
  readonly address: string;
  readonly ikePort: number;
  readonly natTPort: number;
  readonly pki: TestPki;
  readonly identity: string;
  readonly imsi: string;
  readonly dns?: { readonly ipv6: readonly Ipv6Address[]; readonly ipv4: readonly Ipv4Address[] };
  readonly keyLog?: KeyLogWriter;
  readonly onEsp?: Parameters<typeof UdpIkeEndpoint.open>[0]['onEsp'];
}

/** Our HA (IkeResponder) with EAP-AKA against a store holding `imsi` with set 1, on a UDP endpoint. */
export async function openOurHa(o: OurHaOptions): Promise<OurHa> {
  const log = new EventLog();
  const pool = recordingPool();
  const store = set1Store(o.imsi);
  const endpoint = await UdpIkeEndpoint.open(
    {
      address: o.address,
      ikePort: o.ikePort,
      natTPort: o.natTPort,
      onEvent: log.push,
      ...(o.keyLog ? { keyLog: o.keyLog } : {}),
      ...(o.onEsp ? { onEsp: o.onEsp } : {}),
    },
    (local) =>
      new IkeResponder(
        akaHaConfig({
          local,
          certPem: o.pki.haCertPem,
          keyPem: o.pki.haKeyPem,
          identity: o.identity,
          store,
          pool,
          ...(o.dns ? { dns: o.dns } : {}),
        }),
      ),
  );
  return { endpoint, log, pool, store };
}

export interface VethNetns {
  readonly netns: string;
  /** Our side of the link (in this process's namespace) and the namespace's side, both IPv6 without DAD. */
  readonly hostAddress: string;
  readonly nsAddress: string;
}

/**
 * A private network namespace joined to ours by a veth pair with one IPv6 address at each end, so a peer run
 * inside it (strongSwan with kernel-libipsec and its TUN device) is reachable from our sockets; deleted after
 * `body` (deleting the namespace removes both veth ends).
 */
export async function withVethNetns(body: (n: VethNetns) => Promise<void>): Promise<void> {
  const id = process.pid.toString(16);
  const netns = `dsmip-io-${process.pid}`;
  const [hostIf, nsIf] = [`dsh${process.pid}`, `dsn${process.pid}`];
  const prefix = `fd00:d5:${id.slice(-4)}::`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ip('netns', 'add', netns);
  try {
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', netns);
    ip('addr', 'add', `${prefix}1/64`, 'dev', hostIf, 'nodad');
    ip('link', 'set', hostIf, 'up');
    ip('-n', netns, 'addr', 'add', `${prefix}2/64`, 'dev', nsIf, 'nodad');
    ip('-n', netns, 'link', 'set', nsIf, 'up');
    ip('-n', netns, 'link', 'set', 'lo', 'up');
    await body({ netns, hostAddress: `${prefix}1`, nsAddress: `${prefix}2` });
  } finally {
    ip('netns', 'del', netns);
  }
}

/** A home registration BU (A, H; RFC 6275 §6.1.7) with the IPv4 care-of address option (RFC 5555 §3.1.2). */
export function bindingUpdate(homeAddress: Ipv6Address, homeAgent: Ipv6Address, careOf: Ipv4Address): Uint8Array {
  return encodeMobilityHeader(
    {
      kind: 'binding-update',
      sequence: 7,
      acknowledge: true,
      homeRegistration: true,
      linkLocalAddressCompatibility: false,
      keyManagementMobilityCapability: false,
      mapRegistration: false,
      mobileRouter: false,
      proxyRegistration: false,
      forceUdpEncapsulation: false,
      tlvHeaderFormat: false,
      overwriteOrBulkBinding: false,
      lifetimeSec: 400,
      options: [{ kind: 'ipv4-care-of-address', careOfAddress: careOf }],
    },
    { src: homeAddress, dst: homeAgent },
  );
}

/** A python program (run inside a namespace): one ICMPv6 echo request from a raw socket bound to argv[1] to argv[2]. */
export const ECHO_REQUEST = [
  'import socket, sys',
  's = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)',
  's.bind((sys.argv[1], 0))',
  "s.sendto(bytes([128, 0, 0, 0, 0, 1, 0, 1]) + b'dsmip', (sys.argv[2], 0))",
].join('\n');
