/**
 * `dsmip demo --aaa URL`: the demo's HA authenticates the UE through an external AAA server instead of its embedded
 * one. `radius://SECRET@HOST[:PORT]` (RFC 3579, shared secret of RFC 2865 §3, default port 1812) or
 * `diameter://HOST[:PORT]/REALM` (RFC 4072, default port 3868). HOST is an IP address (IPv6 in brackets).
 */
import { ConfigError } from '../../util/errors.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';

export type DemoAaa =
  | { readonly kind: 'radius'; readonly host: IpAddress; readonly port: number; readonly secret: string }
  | { readonly kind: 'diameter'; readonly host: IpAddress; readonly port: number; readonly realm: string };

const REALM =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function bad(reason: string): never {
  throw new ConfigError('INVALID', '--aaa', reason);
}

function hostOf(hostname: string): IpAddress {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const a = hostname.startsWith('[') ? Ipv6Address.tryParse(bare) : Ipv4Address.tryParse(bare);
  return a ?? bad(`host ${hostname || '(none)'} is not an IP address (IPv6 in brackets)`);
}

function portOf(text: string, fallback: number): number {
  if (text === '') return fallback;
  const p = Number(text);
  return Number.isInteger(p) && p >= 1 && p <= 65535 ? p : bad(`port ${text} is not 1-65535`);
}

/** Parses and checks the `--aaa` URL; ConfigError on `--aaa` naming what is wrong. */
export function parseAaaUrl(text: string): DemoAaa {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad(`${text}: not a URL (radius://SECRET@HOST[:PORT] or diameter://HOST[:PORT]/REALM)`);
  }
  if (url.search || url.hash) bad('no query or fragment');
  if (url.protocol === 'radius:') {
    if (url.password || url.username === '') bad('radius:// needs the shared secret before @ (radius://SECRET@HOST)');
    if (url.pathname !== '' && url.pathname !== '/') bad('radius:// takes no path');
    const secret = decodeURIComponent(url.username);
    return { kind: 'radius', host: hostOf(url.hostname), port: portOf(url.port, 1812), secret };
  }
  if (url.protocol === 'diameter:') {
    if (url.username || url.password) bad('diameter:// takes no user or secret');
    const realm = url.pathname.replace(/^\//, '');
    if (!REALM.test(realm)) bad(`realm ${realm || '(none)'} is not a domain name (diameter://HOST[:PORT]/REALM)`);
    return { kind: 'diameter', host: hostOf(url.hostname), port: portOf(url.port, 3868), realm };
  }
  return bad(`scheme ${url.protocol} is neither radius: nor diameter:`);
}

function hostText(a: IpAddress): string {
  return a instanceof Ipv6Address ? `[${a}]:` : `${a}:`;
}

/** How the demo summary names the AAA (never the secret). */
export function describeAaa(aaa: DemoAaa | undefined): string {
  if (!aaa) return 'embedded (EAP-AKA, demo subscriber file)';
  if (aaa.kind === 'radius') return `RADIUS ${hostText(aaa.host)}${aaa.port} (RFC 3579)`;
  return `Diameter ${hostText(aaa.host)}${aaa.port}, realm ${aaa.realm} (RFC 4072)`;
}

/** The `ha.aaa` section of the demo HA's config for `aaa` (YAML flow style, values quoted). */
export function haAaaYaml(aaa: DemoAaa | undefined, subscriberFile: string, identity: string): string {
  if (!aaa) return `{ subscriberFile: "${subscriberFile}" }`;
  const host = JSON.stringify(aaa.host.toString());
  if (aaa.kind === 'radius') {
    return `{ mode: radius, radius: { servers: [{ host: ${host}, port: ${aaa.port}, secret: ${JSON.stringify(aaa.secret)} }], nasIdentifier: ${identity} } }`;
  }
  return `{ mode: diameter, diameter: { servers: [{ host: ${host}, port: ${aaa.port} }], originHost: ${identity}, originRealm: ${aaa.realm}, destinationRealm: ${aaa.realm} } }`;
}
