/**
 * What a config names on this host, checked before any socket is bound (`dsmip ha|ue` load with `host: true`): the
 * certificate and key files (readable, PEM, and the key matches the certificate: otherwise every UE fails later with
 * bad-responder-signature), the subscriber file, where captures and key logs go, whether the metrics address is
 * assigned here (os.networkInterfaces; 127/8 and the unspecified address always are), and ports below the
 * unprivileged range without root or CAP_NET_BIND_SERVICE. Each problem names the key path; load.ts adds file and line.
 */

import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname } from 'node:path';
import { Ipv4Address, type Ipv6Address } from '../util/ip-address.ts';
import { ipv4RangeOverlapsBlock } from './address-checks.ts';
import type { Ipv4RangeValue } from './scalars.ts';
import type { ConfigPath } from './yaml-source.ts';

export interface HostIssue {
  /** Under the root key (`ha` / `ue`). */
  readonly path: ConfigPath;
  readonly message: string;
}

/** The host as the checks see it; tests pass their own. */
export interface HostProbe {
  /** Addresses assigned to this host's interfaces, as text. */
  readonly localAddresses: () => readonly string[];
  /** Whether this process may bind UDP/TCP `port`. */
  readonly mayBindPort: (port: number) => boolean;
  /** The interfaces' addresses with their prefix length (`192.0.2.1/24`); absent = not checked. */
  readonly localSubnets?: () => readonly string[];
}

/** CAP_NET_BIND_SERVICE (linux/capability.h). */
const CAP_NET_BIND_SERVICE = 10;

function unprivilegedPortStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
  } catch {
    return 1024;
  }
}

function hasCapability(bit: number): boolean {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('CapEff:'));
    return line !== undefined && ((BigInt(`0x${line.slice(7).trim()}`) >> BigInt(bit)) & 1n) === 1n;
  } catch {
    return false;
  }
}

export const SYSTEM_HOST: HostProbe = {
  localAddresses: () =>
    Object.values(networkInterfaces())
      .flat()
      .flatMap((i) => (i ? [i.address] : [])),
  localSubnets: () =>
    Object.values(networkInterfaces())
      .flat()
      .flatMap((i) => (i?.cidr ? [i.cidr] : [])),
  mayBindPort: (port) =>
    port === 0 || port >= unprivilegedPortStart() || process.getuid?.() === 0 || hasCapability(CAP_NET_BIND_SERVICE),
};

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** The file's text, or an issue naming it. */
function readable(path: ConfigPath, file: string, what: string, out: HostIssue[]): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    out.push({ path, message: `cannot read the ${what} ${file} (${errnoOf(e)})` });
    return undefined;
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM file, leaf first, or an issue. */
export function certificatesIn(path: ConfigPath, file: string, out: HostIssue[]): X509Certificate[] | undefined {
  const pem = readable(path, file, 'certificate file', out);
  if (pem === undefined) return undefined;
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    out.push({ path, message: `no PEM certificate in ${file}` });
    return undefined;
  }
  try {
    return blocks.map((b) => new X509Certificate(b));
  } catch (e) {
    out.push({ path, message: `${file}: not a certificate (${(e as Error).message})` });
    return undefined;
  }
}

function privateKeyIn(path: ConfigPath, file: string, out: HostIssue[]): KeyObject | undefined {
  const pem = readable(path, file, 'private key file', out);
  if (pem === undefined) return undefined;
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    out.push({ path, message: `${file}: not a private key (${(e as Error).message})` });
    return undefined;
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'rsa' && !(key.asymmetricKeyType === 'ec' && curve === 'prime256v1')) {
    out.push({
      path,
      message: `${file}: must be an RSA or ECDSA P-256 key (RFC 7296 §3.8), is ${key.asymmetricKeyType}`,
    });
    return undefined;
  }
  return key;
}

/** A file the node will create or overwrite: its folder must exist and be writable, the file (if there) too. */
function writableFile(path: ConfigPath, file: string, what: string, out: HostIssue[]): void {
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      out.push({ path, message: `${file} is a directory; the ${what} is a file` });
      return;
    }
    accessSync(dirname(file), constants.W_OK | constants.X_OK);
    if (statSync(file, { throwIfNoEntry: false })) accessSync(file, constants.W_OK);
  } catch (e) {
    out.push({ path, message: `cannot write the ${what} ${file} (${errnoOf(e)})` });
  }
}

/** A folder the node writes into, created (with its parents) when missing. */
function writableFolder(path: ConfigPath, folder: string, what: string, out: HostIssue[]): void {
  let at = folder;
  try {
    for (;;) {
      const s = statSync(at, { throwIfNoEntry: false });
      if (s) {
        if (!s.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
        accessSync(at, constants.W_OK | constants.X_OK);
        return;
      }
      const up = dirname(at);
      if (up === at) return;
      at = up;
    }
  } catch (e) {
    out.push({ path, message: `cannot write the ${what} into ${folder} (${at}: ${errnoOf(e)})` });
  }
}

function capturePaths(capture: { readonly pcap?: string; readonly keylogDir?: string }, out: HostIssue[]): void {
  if (capture.pcap) writableFile(['capture', 'pcap'], capture.pcap, 'capture', out);
  if (capture.keylogDir) writableFolder(['capture', 'keylogDir'], capture.keylogDir, 'key log', out);
}

function privilegedPort(path: ConfigPath, port: number, host: HostProbe, out: HostIssue[]): void {
  if (host.mayBindPort(port)) return;
  out.push({
    path,
    message: `port ${port} is privileged (below net.ipv4.ip_unprivileged_port_start) and this process is neither root nor has CAP_NET_BIND_SERVICE`,
  });
}

/** The unspecified address and IPv4 loopback (all of 127/8 is local on Linux) need no interface. */
function isLocal(a: Ipv4Address | Ipv6Address, host: HostProbe): boolean {
  if (a.isUnspecified) return true;
  if (a.bytes.length === 4 && a.bytes[0] === 127) return true;
  const text = a.toString();
  return host.localAddresses().some((l) => l === text);
}

export interface HaHostView {
  readonly addresses: { readonly ipv4?: Ipv4Address | undefined };
  readonly ipv4HomeAddressPool: readonly Ipv4RangeValue[];
  readonly ports: { readonly ike: number; readonly natT: number; readonly dsmip: number };
  readonly ike: { readonly certificate: string; readonly privateKey: string };
  readonly aaa: { readonly subscriberFile?: string | undefined };
  readonly metrics: { readonly enabled: boolean; readonly address: Ipv4Address | Ipv6Address; readonly port: number };
  readonly capture: { readonly pcap?: string; readonly keylogDir?: string };
}

export function haHostIssues(ha: HaHostView, host: HostProbe = SYSTEM_HOST): HostIssue[] {
  const out: HostIssue[] = [];
  const certificates = certificatesIn(['ike', 'certificate'], ha.ike.certificate, out);
  const key = privateKeyIn(['ike', 'privateKey'], ha.ike.privateKey, out);
  const leaf = certificates?.[0];
  if (leaf && key && !leaf.checkPrivateKey(key)) {
    out.push({
      path: ['ike', 'privateKey'],
      message: `${ha.ike.privateKey} is not the key of the certificate in ${ha.ike.certificate} (UEs would fail the AUTH check, RFC 7296 §2.15)`,
    });
  }
  // Only the embedded AAA reads one (ha.aaa.mode radius/diameter send EAP elsewhere).
  if (ha.aaa.subscriberFile !== undefined)
    readable(['aaa', 'subscriberFile'], ha.aaa.subscriberFile, 'subscriber file', out);
  for (const k of ['ike', 'natT', 'dsmip'] as const) privilegedPort(['ports', k], ha.ports[k], host, out);
  if (ha.metrics.enabled) {
    if (!isLocal(ha.metrics.address, host)) {
      out.push({
        path: ['metrics', 'address'],
        message: `${ha.metrics.address} is not assigned to an interface of this host (checked with os.networkInterfaces)`,
      });
    }
    privilegedPort(['metrics', 'port'], ha.metrics.port, host, out);
  }
  capturePaths(ha.capture, out);
  wanSubnetOverlaps(ha, host, out);
  return out;
}

/**
 * An IPv4 HoA pool inside the subnet of the HA's own IPv4 interface: the HA would route its neighbours (its gateway
 * among them) into its TUN device and answer for them. The schema already refuses a pool holding the HA's address.
 */
function wanSubnetOverlaps(ha: HaHostView, host: HostProbe, out: HostIssue[]): void {
  const own = ha.addresses.ipv4?.toString();
  if (own === undefined || !host.localSubnets) return;
  for (const cidr of host.localSubnets()) {
    const [address, length] = cidr.split('/');
    if (address !== own || length === undefined) continue;
    const prefixLength = Number(length);
    if (!Number.isInteger(prefixLength) || prefixLength < 1 || prefixLength > 32) continue;
    ha.ipv4HomeAddressPool.forEach((range, i) => {
      if (ipv4RangeOverlapsBlock(range, Ipv4Address.parse(address), prefixLength)) {
        out.push({
          path: ['ipv4HomeAddressPool', i],
          message: `overlaps ${cidr}, the subnet of the HA's own interface: its neighbours (the gateway too) would be routed into the TUN device`,
        });
      }
    });
  }
}

export interface UeHostView {
  readonly identity: { readonly sqnStateFile?: string };
  readonly ike: {
    readonly caCertificate: string;
    readonly ports: { readonly local: number; readonly localNatT: number };
  };
  readonly capture: { readonly pcap?: string; readonly keylogDir?: string };
}

export function ueHostIssues(ue: UeHostView, host: HostProbe = SYSTEM_HOST): HostIssue[] {
  const out: HostIssue[] = [];
  certificatesIn(['ike', 'caCertificate'], ue.ike.caCertificate, out);
  if (ue.identity.sqnStateFile)
    writableFile(['identity', 'sqnStateFile'], ue.identity.sqnStateFile, 'USIM SQN state file', out);
  for (const k of ['local', 'localNatT'] as const) privilegedPort(['ike', 'ports', k], ue.ike.ports[k], host, out);
  capturePaths(ue.capture, out);
  return out;
}
