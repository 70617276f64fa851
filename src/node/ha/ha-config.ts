/**
 * The HA config file (src/config/ha-schema.ts) as the inputs of the cores it runs: the IKEv2 responder with its
 * certificate, EAP-AKA server and home prefix pool (TS 24.303 §5.1.3.1), the binding policy (§5.1.3.2, RFC 5555
 * §4.5) and the DHCP service for UEs (§5.1.1). Validation happened when the file was loaded; what can still fail
 * here (unreadable certificate or key files) is a ConfigError naming the key.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HaConfig } from '../../config/load.ts';
import type { HaDhcpServiceConfig } from '../../dhcp/ha-service.ts';
import { dhcpv4RelayConfig } from '../../dhcp/v4-relay.ts';
import { embeddedDhcpv4ServerConfig } from '../../dhcp/v4-server.ts';
import { dhcpv6RelayConfig } from '../../dhcp/v6-relay.ts';
import { embeddedDhcpv6ServerConfig } from '../../dhcp/v6-server.ts';
import { parsePermanentIdentity } from '../../eap/identity.ts';
import type { AkaServerEvent, SubscriberStore } from '../../eap/index.ts';
import type { ResponderLimits } from '../../ike/limits.ts';
import type { ResponderConfig } from '../../ike/responder.ts';
import { describeKey } from '../../ike/signature.ts';
import type { HomePrefixPool } from '../../ike/tasks/ike-config.ts';
import type { Ipv4Range } from '../../mip/ipv4-pool.ts';
import { type HomeAgentPolicy, homeAgentPolicy } from '../../mip/policy.ts';
import { copyBytes } from '../../util/bytes.ts';
import { ConfigError } from '../../util/errors.ts';
import { Reader } from '../../util/reader.ts';
import { type Duid, parseDuid } from '../../wire/dhcpv6/duid.ts';
import { identityData } from '../../wire/ike/identity.ts';
import { embeddedEapServerFactory, passwordUsersOf } from '../ike/eap-adapters.ts';
import { ikeTimingOf } from '../net/ike-timing.ts';

/** IANA Private Enterprise Number of the default server DUID-EN (RFC 5612: 32473 is for documentation). */
const DEFAULT_DUID_ENTERPRISE = 32473;

function readText(path: string, key: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('UNREADABLE', key, `cannot read the ${what} ${path}: ${(e as Error).message}`);
  }
}

/** Every certificate of a PEM file, leaf first (RFC 7296 §3.6: one CERT payload each), as DER. */
export function certificateChainOf(pem: string, key = 'ha.ike.certificate'): Uint8Array[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ConfigError('INVALID', key, 'no PEM certificate in the file');
  return blocks.map((b) => {
    try {
      return new Uint8Array(new X509Certificate(b).raw);
    } catch (e) {
      throw new ConfigError('INVALID', key, `not a certificate: ${(e as Error).message}`);
    }
  });
}

export interface ResponderDeps {
  /** The NAT-T port actually bound (RFC 3948: IKE on it carries the non-ESP marker). */
  readonly natTPort: number;
  /** The embedded AAA's subscribers (unused for mode radius/diameter). */
  readonly store: SubscriberStore;
  readonly pool: HomePrefixPool;
  readonly random: (n: number) => Uint8Array;
  readonly onAkaEvent?: (e: AkaServerEvent) => void;
  /** Second-round outcomes of the embedded AAA (RFC 4739), for logs. */
  readonly onPasswordOutcome?: (identity: string, ok: boolean, reason?: string) => void;
}

/**
 * `ha.aaa.mode: embedded` keeps the EAP servers in the IKE engine (synchronous: the attach hot path has no event
 * round trip, spec-choices AAA-2); RADIUS and Diameter make the engine hand each EAP message out (`eap-pending`).
 */
function eapServerOf(config: HaConfig, deps: ResponderDeps): ResponderConfig['eapServer'] {
  const aaa = config.aaa;
  if (aaa.mode !== 'embedded') return { kind: 'external', timeoutMs: aaa.timeout.ms };
  return embeddedEapServerFactory({
    store: deps.store,
    random: deps.random,
    secondAuth: { method: aaa.secondAuth.method, users: passwordUsersOf(aaa.secondAuth.users) },
    ...(deps.onAkaEvent ? { onEvent: deps.onAkaEvent } : {}),
    ...(deps.onPasswordOutcome ? { onPasswordOutcome: deps.onPasswordOutcome } : {}),
  });
}

/** The IKEv2 responder: certificate and key from their files, EAP-AKA against `store`, prefixes from `pool`. */
export function responderConfigOf(config: HaConfig, deps: ResponderDeps): ResponderConfig {
  const ike = config.ike;
  const certificates = certificateChainOf(readText(ike.certificate, 'ha.ike.certificate', 'certificate file'));
  let key: ReturnType<typeof describeKey>;
  try {
    key = describeKey(createPrivateKey(readText(ike.privateKey, 'ha.ike.privateKey', 'private key file')));
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError('INVALID', 'ha.ike.privateKey', `not a private key: ${(e as Error).message}`);
  }
  if (key.type === 'other') throw new ConfigError('INVALID', 'ha.ike.privateKey', 'must be RSA or ECDSA P-256');
  return {
    random: deps.random,
    timing: ikeTimingOf(ike.timers),
    ikeProposals: ike.proposals.ike,
    espProposals: ike.proposals.esp,
    natTPort: deps.natTPort,
    credentials: { key, certificates, preferDigitalSignature: true },
    identity: identityData({ kind: 'fqdn', name: ike.identity }),
    eapServer: eapServerOf(config, deps),
    requiredAuthRounds: config.aaa.secondAuth.required ? 2 : 1,
    pool: deps.pool,
    prefixLifetimeSec: Math.floor(config.homePrefixPool.lifetime.sec),
    dns: { ipv6: config.dns.ipv6, ipv4: config.dns.ipv4 },
    cookies: { threshold: ike.cookieThreshold, secret: { version: 1, secret: deps.random(32) } },
    limits: responderLimitsOf(config),
    eapIdentityKey,
  };
}

/**
 * The key an EAP identity is rate-limited under: one subscriber is one bucket whatever spelling of its NAI arrives
 * (RFC 4187 §4.1.1.6: "0" ‖ IMSI @ realm; RFC 5448 §3 for EAP-AKA′: "6" ‖ IMSI @ realm).
 */
export function eapIdentityKey(identity: string): string {
  return (parsePermanentIdentity(identity) ?? parsePermanentIdentity(identity, 'aka-prime'))?.imsi ?? identity;
}

/** `ha.limits` as the responder's flood limits (src/ike/limits.ts). */
export function responderLimitsOf(config: HaConfig): ResponderLimits {
  const l = config.limits;
  return {
    halfOpenPerSource: l.halfOpenPerSource,
    halfOpenTotal: l.halfOpenTotal,
    halfOpenPressureTimeoutMs: l.halfOpenPressureTimeout.ms,
    eapPerIdentity: { burst: l.eapPerIdentity.burst, perMinute: l.eapPerIdentity.perMinute },
    eapPerSource: { burst: l.eapPerSource.burst, perMinute: l.eapPerSource.perMinute },
  };
}

/** The binding policy (TS 24.303 §5.1.3.2 "operator's policies"); the home prefix block is the Prefix List. */
export function haPolicyOf(config: HaConfig): HomeAgentPolicy {
  const b = config.binding;
  return homeAgentPolicy({
    ipv6Address: config.addresses.ipv6,
    ...(config.addresses.ipv4 ? { ipv4Address: config.addresses.ipv4 } : {}),
    homePrefixes: [
      { prefix: config.homePrefixPool.base.prefix, prefixLength: config.homePrefixPool.base.prefixLength },
    ],
    maxLifetimeSec: b.maxLifetime.sec,
    refreshAdviceSec: b.refreshAdvice?.sec,
    maxBindings: b.maxBindings,
    forceUdpRequest: b.forceUdpRequest,
    natRefreshTimeSec: Math.floor(b.natRefresh.sec),
    baEncapsulation: b.baEncapsulation,
    ipv4HomeAddresses: config.ipv4HomeAddressPool.length > 0,
    staticIpv4: b.staticIpv4,
    requireAlternateCareOf: b.requireAlternateCareOf,
  });
}

export function ipv4RangesOf(config: HaConfig): Ipv4Range[] {
  return config.ipv4HomeAddressPool.map((r) => ({ first: r.first, last: r.last }));
}

/** Addresses in the IPv4 home address pool. */
export function ipv4PoolSize(ranges: readonly Ipv4Range[]): number {
  return ranges.reduce((n, r) => n + r.last.toNumber() - r.first.toNumber() + 1, 0);
}

/** The configured DUID bytes (RFC 8415 §11), or DUID-EN 32473 with the HA's IPv6 address as identifier. */
function serverDuidOf(config: HaConfig, bytes: Uint8Array | undefined): Duid {
  if (bytes === undefined) {
    return {
      kind: 'en',
      enterpriseNumber: DEFAULT_DUID_ENTERPRISE,
      identifier: copyBytes(config.addresses.ipv6.bytes),
    };
  }
  const r = Reader.of(bytes, 'dhcpv6');
  try {
    const duid = parseDuid(r);
    r.expectEnd();
    return duid;
  } catch (e) {
    throw new ConfigError('INVALID', 'ha.dhcp.v6.serverDuid', `not a DUID: ${(e as Error).message}`);
  }
}

/** The DHCP service for tunnelled DHCPv6 / DHCPv4 (TS 24.303 §5.1.1): embedded servers, relays, or off. */
export function haDhcpServiceConfigOf(config: HaConfig): HaDhcpServiceConfig {
  const { v6, v4 } = config.dhcp;
  const ha6 = config.addresses.ipv6;
  const ha4 = config.addresses.ipv4;
  return {
    v6:
      v6.mode === 'embedded'
        ? {
            kind: 'embedded',
            serverAddress: ha6,
            server: embeddedDhcpv6ServerConfig({
              serverDuid: serverDuidOf(config, v6.serverDuid),
              dnsServers: v6.dnsServers ?? config.dns.ipv6,
              domainSearchList: v6.domainSearchList,
              vendorOptions: v6.vendorOptions,
              informationRefreshTimeSec: Math.floor(v6.informationRefreshTime.sec),
            }),
          }
        : v6.mode === 'relay'
          ? {
              kind: 'relay',
              relay: dhcpv6RelayConfig({
                linkAddress: v6.linkAddress ?? ha6,
                relayAddress: v6.relayAddress ?? ha6,
                serverAddresses: v6.serverAddresses,
              }),
            }
          : undefined,
    v4:
      v4.mode === 'embedded'
        ? {
            kind: 'embedded',
            server: embeddedDhcpv4ServerConfig({
              serverIdentifier: v4.serverIdentifier ?? ha4!,
              dnsServers: v4.dnsServers ?? config.dns.ipv4,
              subnetMask: v4.subnetMask,
              viVendorOptions: v4.vendorOptions,
              vendorSpecific: v4.vendorSpecific && {
                vendorClassIdentifier:
                  v4.vendorSpecific.vendorClassIdentifier === undefined
                    ? undefined
                    : new TextEncoder().encode(v4.vendorSpecific.vendorClassIdentifier),
                subOptions: v4.vendorSpecific.subOptions,
              },
            }),
          }
        : v4.mode === 'relay'
          ? {
              kind: 'relay',
              relay: dhcpv4RelayConfig({
                relayAddress: v4.relayAddress ?? ha4!,
                serverAddresses: v4.serverAddresses,
                maxHops: v4.maxHops,
                relayAgentInformation: v4.relayAgentInformation,
              }),
            }
          : undefined,
  };
}
