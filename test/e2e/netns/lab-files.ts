/**
 * What the processes of one lab run read: the HA's and the UE's YAML config files (the schema of src/config, the
 * shape of examples/ha.yaml and examples/ue.yaml), a copy of the subscriber file for the embedded AAA (it writes
 * SQN state back), and dnsmasq answering the HA-APN (TS 23.003 §21.2) from the correspondent node's namespace.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Daemon, startDaemon } from '../../peers/dhcp-dns/daemon.ts';
import type { Lab } from './topology.ts';

const PKI = new URL('../../fixtures/pki/', import.meta.url).pathname;
const SUBSCRIBERS = new URL('../../../examples/subscribers.json', import.meta.url).pathname;

/** TS 23.003 §21.2: <APN>.ha-apn.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org for APN "internet", PLMN 001/01. */
export const HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
export const HA_IDENTITY = 'ha.dsmip.test'; // the SAN of test/fixtures/pki/ha-ecdsa.pem
export const IPV4_HOA_POOL_FIRST = '10.10.0.1';
export const HA_METRICS = { address: '127.0.0.1', port: 9464 };
/**
 * The USIM in step with the AAA's subscriber entry (examples/subscribers.json): the challenge's SQN is fresh, so no
 * AKA-Synchronization-Failure round (RFC 4187 §9.6) makes the exchange depend on the files' history.
 */
const SUBSCRIBER_SQN = 'ff9bb4d0b607';
export const DHCP_DNS = { ipv6: '2001:db8:53::53', ipv4: '192.0.2.53' };

export interface UeTimers {
  /** BU lifetime, a multiple of 4 s (RFC 6275 §6.1.7). */
  readonly lifetime: string;
  readonly refreshMargin: string;
}

/** What a test may change in the HA's config; everything else is fixed. */
export interface HaOptions {
  /** `ha.tun.linkMtu`: the path MTU the HA assumes towards care-of addresses (its default is 1500). */
  readonly tunLinkMtu?: number;
  /** `ha.ike.cookieThreshold` (default 100). */
  readonly cookieThreshold?: number;
  /** `ha.limits` as a YAML flow mapping, e.g. `{ halfOpenPerSource: 10 }` (src/config/ha-limits-schema.ts). */
  readonly limits?: string;
}

export function writeHaConfig(lab: Lab, dir: string, options: HaOptions = {}): string {
  const linkMtu = options.tunLinkMtu === undefined ? '' : `, linkMtu: ${options.tunLinkMtu}`;
  const cookies = options.cookieThreshold === undefined ? '' : `, cookieThreshold: ${options.cookieThreshold}`;
  const limits = options.limits === undefined ? '' : `\n  limits: ${options.limits}`;
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  const file = join(dir, 'ha.yaml');
  writeFileSync(
    file,
    `ha:
  addresses: { ipv6: "${lab.haIpv6}", ipv4: "${lab.haIpv4}" }
  ike: { identity: ${HA_IDENTITY}, certificate: "${PKI}ha-ecdsa.pem", privateKey: "${PKI}ha-ecdsa.key"${cookies} }${limits}
  aaa: { subscriberFile: "${join(dir, 'subscribers.json')}" }
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  dns: { ipv6: ["${DHCP_DNS.ipv6}"], ipv4: ["${DHCP_DNS.ipv4}"] }
  dhcp:
    v6:
      mode: embedded
      vendorOptions: [{ enterpriseNumber: 10415, subOptions: [{ code: 1, data: "c0a80101" }] }]
    v4:
      mode: embedded
      vendorOptions: [{ enterpriseNumber: 10415, subOptions: [{ code: 2, data: "0a0b" }] }]
  metrics: { address: ${HA_METRICS.address}, port: ${HA_METRICS.port}, status: true }
  tun: { enabled: true${linkMtu} }
  logging: { level: info, format: json }
  capture: { keylogDir: "${join(dir, 'ha-keys')}" }
`,
  );
  return file;
}

/** What a test may change in the UE's config; everything else is fixed. */
export interface UeOptions {
  /** `ue.ike.protectData`: user traffic through the data SA of RFC 5555 §5.2.2 on IPv4 access. */
  readonly protectData?: boolean;
}

/** The UE's key log directory: WIRESHARK_CONFIG_DIR for decoding the capture. */
export const ueKeyDir = (dir: string): string => join(dir, 'ue-keys');

export function writeUeConfig(lab: Lab, dir: string, timers: UeTimers, options: UeOptions = {}): string {
  const file = join(dir, 'ue.yaml');
  const access =
    lab.access === 'ipv6'
      ? `{ family: ipv6, interface: ue0, ipv6: { careOfAddress: "${lab.ueAddress}" } }`
      : `{ family: ipv4, interface: ue0, ipv4: { careOfAddress: ${lab.ueAddress} } }`;
  const dnsServer = lab.access === 'ipv6' ? `"[${lab.cnIpv6}]:53"` : `"${lab.cnIpv4}"`;
  writeFileSync(
    file,
    `ue:
  identity:
    imsi: "001010000000001"
    k: 465b5ce8b199b49faa5f0a2ee238a6bc
    opc: cd63cb71954a9f4e48a5994e37a02baf
    sqn: ${SUBSCRIBER_SQN}
    mcc: "001"
    mnc: "01"
  apn: internet
  discovery: { methods: [dns], dns: { servers: [${dnsServer}] } }
  ike:
    caCertificate: "${PKI}ca-ecdsa.pem"
    haIdentity: ${HA_IDENTITY}
    protectData: ${options.protectData ?? false}
  access: ${access}
  mobility: { lifetime: ${timers.lifetime}, refreshMargin: ${timers.refreshMargin} }
  tun: { enabled: true, routes: ["0.0.0.0/0", "::/0"] }
  logging: { level: debug, format: json }
  capture: { keylogDir: "${ueKeyDir(dir)}" }
`,
  );
  return file;
}

/**
 * dnsmasq on the correspondent node's addresses, port 53, answering only the HA-APN from its own records
 * (no upstream; other names under 3gppnetwork.org are NXDOMAIN).
 */
export async function startLabDns(lab: Lab, dir: string): Promise<Daemon> {
  const conf = join(dir, 'dnsmasq.conf');
  writeFileSync(
    conf,
    [
      'port=53',
      `listen-address=${lab.cnIpv4},${lab.cnIpv6}`,
      'bind-interfaces',
      'no-resolv',
      'no-hosts',
      'log-queries',
      `host-record=${HA_APN},${lab.haIpv4},${lab.haIpv6},300`,
      'local=/3gppnetwork.org/',
      '',
    ].join('\n'),
  );
  return startDaemon({
    name: 'dnsmasq',
    netns: lab.ns.cn,
    // -k: foreground, so the PID is dnsmasq's; no PID file; log to stderr (the log file). --user=root: dropping to
    // nobody would clear the parent-death signal (prctl(2)), and a killed test would leave dnsmasq running.
    argv: ['/usr/sbin/dnsmasq', '-k', '-C', conf, '--pid-file', '--log-facility=-', '--user=root'],
    logPath: join(dir, 'dnsmasq.log'),
    readyPattern: /started, version/,
  });
}
