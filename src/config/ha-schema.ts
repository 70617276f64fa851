/**
 * The home agent's config file (`dsmip ha --config ha.yaml`): addresses and ports, IKEv2 credentials
 * (TS 24.303 §5.1.3.1), the embedded AAA's subscriber file, home prefix and IPv4 home address pools, the binding
 * policy (§5.1.3.2, RFC 5555 §4.5), DHCP for UEs (§5.1.1), metrics and status, the TUN device, logging, capture.
 */
import { z } from 'zod';
import { NATKATIMEOUT_SEC } from '../wire/mh/constants.ts';
import { haAaaSchema } from './aaa-common-schema.ts';
import { captureSchema, ikeTimersSchema, loggingSchema, proposalsSchema, tunMtu } from './common-schema.ts';
import { durationOfSec } from './duration.ts';
import { haDhcpSchema } from './ha-dhcp-schema.ts';
import {
  bindingLifetime,
  bool,
  duration,
  int,
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
    dhcp: haDhcpSchema.prefault({}),
    metrics: z
      .strictObject({
        enabled: bool.prefault('true'),
        address: ipAddress.prefault('127.0.0.1'),
        port: localPort.prefault('9464'),
        /** Serve `/status` (JSON) next to `/metrics`. */
        status: bool.prefault('true'),
      })
      .prefault({}),
    /** Core-side TUN device; routes for the home prefixes and the IPv4 pool point at it. */
    tun: z
      .strictObject({
        enabled: bool.prefault('false'),
        name: nonEmptyText.prefault('dsmip-ha0'),
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
    if (ha.binding.refreshAdvice && ha.binding.refreshAdvice.ms > ha.binding.maxLifetime.ms) {
      ctx.addIssue({
        code: 'custom',
        path: ['binding', 'refreshAdvice'],
        message: 'must not exceed maxLifetime (RFC 6275 §6.2.4: refresh before the binding expires)',
      });
    }
  });
