/**
 * The home agent's config file (`dsmip ha --config ha.yaml`): addresses and ports, IKEv2 credentials
 * (TS 24.303 §5.1.3.1), the embedded AAA's subscriber file, home prefix and IPv4 home address pools, the binding
 * policy (§5.1.3.2, RFC 5555 §4.5), DHCP for UEs (§5.1.1), metrics and status, the TUN device, logging, capture.
 */
import { z } from 'zod';
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { NATKATIMEOUT_SEC } from '../wire/mh/constants.ts';
import { haAaaSchema } from './aaa-common-schema.ts';
import { ipv4RangeIndexOf, ipv6InPrefix, notUnicast } from './address-checks.ts';
import { captureSchema, ikeTimersSchema, loggingSchema, proposalsSchema, tunMtu } from './common-schema.ts';
import { durationOfMs, durationOfSec } from './duration.ts';
import { haDhcpSchema } from './ha-dhcp-schema.ts';
import { haLimitsSchema } from './ha-limits-schema.ts';
import {
  bindingLifetime,
  bool,
  duration,
  type Ipv4RangeValue,
  type Ipv6PrefixValue,
  int,
  interfaceName,
  ipAddress,
  ipPrefix,
  ipv4,
  ipv4Range,
  ipv6,
  ipv6Prefix,
  localPort,
  nonEmptyText,
  oneOf,
  port,
} from './scalars.ts';

/** 32-bit seconds: the MIP6_HOME_PREFIX lifetime (RFC 5026 §8.2) and the NAT refresh time (RFC 5555 §3.2.2). */
const seconds32 = duration({ max: durationOfSec(0xffffffff) });

const homePrefixPoolSchema = z
  .strictObject({
    /** The block the per-UE home network prefixes are cut from. */
    base: ipv6Prefix,
    /** Length of each UE's prefix (RFC 5026 §8.2 prefix length). */
    prefixLength: int(1, 128, 'a prefix length').prefault('64'),
    /** MIP6_HOME_PREFIX Prefix Lifetime (RFC 5026 §8.2, read as seconds). */
    lifetime: seconds32.prefault('24h'),
  })
  .superRefine((p, ctx) => {
    if (p.prefixLength < p.base.prefixLength) {
      ctx.addIssue({
        code: 'custom',
        path: ['prefixLength'],
        message: `must be at least the base's /${p.base.prefixLength}`,
      });
    }
    // The UE forms its home address as prefix ‖ 64-bit interface identifier (RFC 4291 §2.5.1, RFC 5026 §4.2.2).
    if (p.prefixLength > 64) ctx.addIssue({ code: 'custom', path: ['prefixLength'], message: 'must be at most 64' });
    if (p.prefixLength - p.base.prefixLength > 30) {
      ctx.addIssue({ code: 'custom', path: ['prefixLength'], message: 'more than 2^30 prefixes per pool' });
    }
  });

const bindingPolicySchema = z.strictObject({
  /** Cap on a binding's lifetime (TS 24.303 §5.1.3.2 "based on operator's policies"). */
  maxLifetime: bindingLifetime().prefault('3600s'),
  /** Binding Refresh Advice in every accepted BA (RFC 6275 §6.2.4); absent = not sent. */
  refreshAdvice: bindingLifetime().optional(),
  /** NAT Detection option refresh time (RFC 5555 §3.2.2); default NATKATIMEOUT (RFC 5555 §6). */
  natRefresh: seconds32.prefault(`${NATKATIMEOUT_SEC}s`),
  /** BA to an IPv4 BU without a NAT: `seed` = plain IPv4 (TS 24.303 §5.1.3.2), `rfc5555` = always UDP. */
  baEncapsulation: oneOf(['seed', 'rfc5555']).prefault('seed'),
  /** Requested static IPv4 home addresses (RFC 5555 §4.5). */
  staticIpv4: oneOf(['prohibited', 'authorized-only', 'any-free']).prefault('authorized-only'),
  /** F flag requests: honour them, or answer 144 (src/mip/spec-choices.md). */
  forceUdpRequest: oneOf(['accept', 'reject-144']).prefault('accept'),
  /** Beyond this many bindings new registrations get 130 "insufficient resources". */
  maxBindings: int(0, 2 ** 31, 'a binding count').prefault('1000000'),
  /** Refuse BUs from a visited IPv6 network without the Alternate CoA option (RFC 4877 §4.3). */
  requireAlternateCareOf: bool.prefault('false'),
});

export const haSchema = z
  .strictObject({
    /** The HA's own addresses (bound specifically; BA source; tunnel endpoint). */
    addresses: z.strictObject({ ipv6, ipv4: ipv4.optional() }),
    ports: z
      .strictObject({
        ike: port.prefault('500'),
        natT: port.prefault('4500'),
        /** RFC 5555 §4.1 UDP encapsulation port. */
        dsmip: port.prefault('4191'),
      })
      .prefault({}),
    ike: z.strictObject({
      /** IDr and the name in the certificate the UE checks. */
      identity: nonEmptyText,
      /** PEM certificate (chain) and private key (RSA or ECDSA P-256). */
      certificate: nonEmptyText,
      privateKey: nonEmptyText,
      proposals: proposalsSchema.prefault({}),
      timers: ikeTimersSchema.prefault({}),
      /** Half-open IKE SAs at which cookies become mandatory (RFC 7296 §2.6); 0 = always. */
      cookieThreshold: int(0, 1_000_000, 'a count').prefault('100'),
    }),
    /** Who authenticates UEs: the embedded AAA (default), or RADIUS / Diameter servers (aaa-common-schema.ts). */
    aaa: haAaaSchema,
    homePrefixPool: homePrefixPoolSchema,
    /** IPv4 home addresses handed out for 0.0.0.0 requests (RFC 5555 §4.5); empty = none. */
    ipv4HomeAddressPool: z.array(ipv4Range).prefault([]),
    /** DNS servers handed out in IKEv2 CFG_REPLY and by the embedded DHCP servers. */
    dns: z.strictObject({ ipv6: z.array(ipv6).prefault([]), ipv4: z.array(ipv4).prefault([]) }).prefault({}),
    binding: bindingPolicySchema.prefault({}),
    /** Flood limits: half-open IKE SAs, EAP conversations, sessions per identity (src/config/ha-limits-schema.ts). */
    limits: haLimitsSchema.prefault({}),
    dhcp: haDhcpSchema.prefault({}),
    metrics: z
      .strictObject({
        enabled: bool.prefault('true'),
        address: ipAddress.prefault('127.0.0.1'),
        port: localPort.prefault('9464'),
        /** Serve `/status` (JSON) next to `/metrics`. */
        status: bool.prefault('true'),
        /** Open connections at once; more are closed when accepted (a flood of idle clients cannot pin the fds). */
        maxConnections: int(1, 65535, 'a connection count').prefault('64'),
        /** Time for a client to send its request head; a connection silent this long is closed. */
        headersTimeout: duration({ min: durationOfMs(100) }).prefault('10s'),
        /** Time for a whole request. */
        requestTimeout: duration({ min: durationOfMs(100) }).prefault('30s'),
        /** Idle keep-alive time after a response. */
        keepAliveTimeout: duration({ min: durationOfMs(100) }).prefault('5s'),
      })
      .prefault({}),
    /** Core-side TUN device; routes for the home prefixes and the IPv4 pool point at it. */
    tun: z
      .strictObject({
        enabled: bool.prefault('false'),
        name: interfaceName.prefault('dsmip-ha0'),
        mtu: tunMtu.prefault('1400'),
        /** Prefixes routed into the device; by default the home prefix pool's block and the IPv4 home address pool. */
        routes: z.array(ipPrefix).optional(),
        /**
         * MTU of the path to the UEs' care-of addresses: each tunnel carries this minus its headers (RFC 2473 §6.1),
         * at least 1280 bytes whatever the framing, ESP data SA included (RFC 8200 §5; src/node/tun/tunnel-mtu.ts).
         */
        linkMtu: int(1364, 65535, 'an MTU').prefault('1500'),
      })
      .prefault({}),
    logging: loggingSchema.prefault({}),
    capture: captureSchema.prefault({}),
  })
  .superRefine((ha, ctx) => {
    const needIpv4 = (path: (string | number)[], what: string) => {
      if (!ha.addresses.ipv4)
        ctx.addIssue({ code: 'custom', path, message: `needed without addresses.ipv4 (${what})` });
    };
    const v4 = ha.dhcp.v4;
    if (v4.mode === 'embedded' && !v4.serverIdentifier) needIpv4(['dhcp', 'v4', 'serverIdentifier'], 'option 54');
    if (v4.mode === 'relay' && !v4.relayAddress) needIpv4(['dhcp', 'v4', 'relayAddress'], 'giaddr');
    ha.ipv4HomeAddressPool.forEach((r, i) => {
      for (const other of ha.ipv4HomeAddressPool.slice(0, i)) {
        if (r.first.toNumber() <= other.last.toNumber() && other.first.toNumber() <= r.last.toNumber()) {
          ctx.addIssue({ code: 'custom', path: ['ipv4HomeAddressPool', i], message: 'overlaps an earlier range' });
        }
      }
    });
    checkHaAddresses(ha, ctx);
    // node:http throws at createServer (ERR_OUT_OF_RANGE) when headersTimeout exceeds requestTimeout.
    if (ha.metrics.headersTimeout.ms > ha.metrics.requestTimeout.ms) {
      ctx.addIssue({
        code: 'custom',
        path: ['metrics', 'headersTimeout'],
        message: `must not exceed metrics.requestTimeout (${ha.metrics.requestTimeout.sec} s)`,
      });
    }
    if (ha.binding.refreshAdvice && ha.binding.refreshAdvice.ms > ha.binding.maxLifetime.ms) {
      ctx.addIssue({
        code: 'custom',
        path: ['binding', 'refreshAdvice'],
        message: 'must not exceed maxLifetime (RFC 6275 §6.2.4: refresh before the binding expires)',
      });
    }
  });

/** Only what `checkHaAddresses` reads (the whole schema's output type would refer to itself). */
interface HaInput {
  readonly addresses: { readonly ipv6: Ipv6Address; readonly ipv4?: Ipv4Address | undefined };
  readonly ports: { readonly ike: number; readonly natT: number; readonly dsmip: number };
  readonly homePrefixPool: { readonly base: Ipv6PrefixValue };
  readonly ipv4HomeAddressPool: readonly Ipv4RangeValue[];
  readonly dns: { readonly ipv6: readonly Ipv6Address[]; readonly ipv4: readonly Ipv4Address[] };
  readonly dhcp: { readonly v6: object; readonly v4: object };
}

/** A DHCP section's own DNS servers and server identifier, when its mode has them. */
function dhcpField<T>(section: object, key: string): T | undefined {
  return key in section ? ((section as Record<string, unknown>)[key] as T | undefined) : undefined;
}

/** Addresses that parse but cannot work together; each issue names the key to change. */
function checkHaAddresses(ha: HaInput, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  for (const key of ['ipv6', 'ipv4'] as const) {
    const a = ha.addresses[key];
    const why = a && notUnicast(a);
    if (why) issue(['addresses', key], why);
  }
  // One UDP socket per port on the HA's address (RFC 3948 §2.2: the NAT-T port tells IKE from ESP by a marker).
  if (ha.ports.ike === ha.ports.natT) issue(['ports', 'natT'], `must differ from ports.ike (${ha.ports.ike})`);
  if (ha.ports.dsmip === ha.ports.ike || ha.ports.dsmip === ha.ports.natT) {
    issue(['ports', 'dsmip'], 'must differ from ports.ike and ports.natT (RFC 5555 §4.1 has a port of its own)');
  }
  const base = ha.homePrefixPool.base;
  const baseText = `${base.prefix}/${base.prefixLength}`;
  if (ipv6InPrefix(ha.addresses.ipv6, base)) {
    issue(
      ['homePrefixPool', 'base'],
      `holds the HA's own address ${ha.addresses.ipv6}: a UE could be given the HA's /64 (RFC 5026 §8.2 prefixes are the UEs')`,
    );
  }
  const pool = ha.ipv4HomeAddressPool;
  const ownV4: [string, Ipv4Address | undefined][] = [
    ['addresses.ipv4', ha.addresses.ipv4],
    ['dhcp.v4.serverIdentifier', dhcpField<Ipv4Address>(ha.dhcp.v4, 'serverIdentifier')],
  ];
  for (const [what, a] of ownV4) {
    const i = a ? ipv4RangeIndexOf(a, pool) : -1;
    if (a && i >= 0) issue(['ipv4HomeAddressPool', i], `holds ${what} ${a}: that address would be handed to a UE`);
  }
  const dns6: [(string | number)[], readonly Ipv6Address[]][] = [
    [['dns', 'ipv6'], ha.dns.ipv6],
    [['dhcp', 'v6', 'dnsServers'], dhcpField<Ipv6Address[]>(ha.dhcp.v6, 'dnsServers') ?? []],
  ];
  for (const [path, list] of dns6) {
    list.forEach((a, i) => {
      if (ipv6InPrefix(a, base)) issue([...path, i], `${a} is inside homePrefixPool.base ${baseText}: UEs' addresses`);
    });
  }
  const dns4: [(string | number)[], readonly Ipv4Address[]][] = [
    [['dns', 'ipv4'], ha.dns.ipv4],
    [['dhcp', 'v4', 'dnsServers'], dhcpField<Ipv4Address[]>(ha.dhcp.v4, 'dnsServers') ?? []],
  ];
  for (const [path, list] of dns4) {
    list.forEach((a, i) => {
      if (ipv4RangeIndexOf(a, pool) >= 0) issue([...path, i], `${a} is inside ipv4HomeAddressPool: UEs' addresses`);
    });
  }
}
