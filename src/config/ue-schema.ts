/**
 * The UE's config file (`dsmip ue --config ue.yaml`): identity and USIM keys, the target APN, home agent
 * discovery (TS 24.303 §5.1.2.1), IKEv2 (§5.1.2.2), the access network and binding registration (§5.1.2.3–4),
 * DHCP through the tunnel (§5.1.1), the TUN device, logging and capture.
 */
import { z } from 'zod';
import { parseHaApn, tryBuildHaApn } from '../discovery/ha-apn.ts';
import { imsiMatchesPlmn } from '../eap/identity.ts';
import { isWireError } from '../util/errors.ts';
import { decodePco } from '../wire/pco/pco.ts';
import { ueSecondAuthSchema } from './aaa-common-schema.ts';
import { notUnicast } from './address-checks.ts';
import { captureSchema, ikeTimersSchema, loggingSchema, proposalsSchema, tunSchema } from './common-schema.ts';
import { durationOfMs } from './duration.ts';
import {
  bindingLifetime,
  bool,
  digits,
  domainName,
  duration,
  hex,
  hexValue,
  int,
  ipv4,
  ipv6,
  LeafError,
  leaf,
  localPort,
  nonEmptyText,
  oneOf,
  port,
  refreshMargin,
  socketAddress,
} from './scalars.ts';

/** APN Network Identifier (TS 23.003 §9.1.1): labels of letters, digits and hyphens, at most 63 octets. */
export const apnNetworkIdentifier = leaf('an APN network identifier (e.g. internet)', (v) => {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  if (!s || s.length > 63) return undefined;
  if (!s.split('.').every((l) => /^[a-z0-9-]{1,63}$/.test(l))) return undefined;
  // TS 23.003 §9.1.1 reserves these forms for operator-built names; §21.2 adds the HA-APN's own markers.
  if (/^(rac|lac|sgsn|rnc)/.test(s) || s.endsWith('.gprs')) throw new LeafError(`"${s}" is a reserved APN form`);
  if (s.includes('ha-apn.') || s.includes('w-apn.') || s.endsWith('.3gppnetwork.org')) {
    throw new LeafError(`"${s}" must not contain "ha-apn."/"w-apn." or end in ".3gppnetwork.org" (TS 23.003 §21.2)`);
  }
  return s;
});

const pcoHex = leaf('the PCO information element as hex (TS 24.008 §10.5.6.3)', (v) => {
  const bytes = hexValue(v);
  if (!bytes) return undefined;
  try {
    decodePco(bytes);
  } catch (e) {
    if (isWireError(e)) throw new LeafError(`not a valid PCO: ${e.message}`);
    throw e;
  }
  return bytes;
});

const identitySchema = z
  .strictObject({
    imsi: digits(6, 15, 'an IMSI'),
    /** USIM subscriber key K and OPc (TS 35.206). */
    k: hex([16]),
    opc: hex([16]),
    /** Highest SQN the USIM has accepted (SEQ ‖ IND, TS 33.102 Annex C); a fresh USIM starts at zero. */
    sqn: hex([6]).prefault('000000000000'),
    /** Where the USIM's SEQ_MS array is kept between runs; without it every start begins from `sqn`. */
    sqnStateFile: nonEmptyText.optional(),
    mcc: digits(3, 3, 'an MCC').optional(),
    mnc: digits(2, 3, 'an MNC').optional(),
    /** The NAI to use instead of the root NAI built from IMSI, MCC and MNC (TS 23.003 §19.3.2). */
    nai: nonEmptyText.optional(),
  })
  .superRefine((id, ctx) => {
    const plmn = id.mcc !== undefined && id.mnc !== undefined;
    if ((id.mcc === undefined) !== (id.mnc === undefined)) {
      const missing = id.mcc === undefined ? 'mcc' : 'mnc';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'mcc and mnc go together' });
    } else if (!plmn && id.nai === undefined) {
      ctx.addIssue({ code: 'custom', path: ['mcc'], message: 'give mcc and mnc (for the root NAI) or nai' });
    }
    if (plmn && !imsiMatchesPlmn(id.imsi, id.mcc!, id.mnc!)) {
      ctx.addIssue({ code: 'custom', path: ['imsi'], message: `does not start with MCC ${id.mcc} and MNC ${id.mnc}` });
    }
  });

const staticHomeAgentSchema = z.strictObject({ ipv6, ipv4: ipv4.optional() }).superRefine((h, ctx) => {
  for (const key of ['ipv6', 'ipv4'] as const) {
    const a = h[key];
    const why = a && notUnicast(a);
    if (why) ctx.addIssue({ code: 'custom', path: [key], message: why });
  }
});

export const DISCOVERY_METHODS = ['dns', 'dhcpv6'] as const;

const discoverySchema = z.strictObject({
  /** TS 24.303 §5.1.2.1.1: DNS and DHCPv6 may run in parallel or one after the other on failure. */
  policy: oneOf(['parallel', 'sequential']).prefault('sequential'),
  /** Which dynamic methods to use, in order; default: every configured one, DNS first. */
  methods: z.array(oneOf(DISCOVERY_METHODS)).min(1).optional(),
  /** Home agents from configuration, tried after those from PCO or the ePDG. */
  static: z.array(staticHomeAgentSchema).prefault([]),
  /** PCO from the attach (§5.1.2.1.3): HA addresses and home network prefix. */
  pco: pcoHex.optional(),
  /** HOME_AGENT_ADDRESS attribute value from the ePDG's IKEv2 (§5.1.2.1.4, TS 24.302): IPv6 [+ IPv4]. */
  epdgHomeAgentAddress: hex([16, 20]).optional(),
  dns: z
    .strictObject({
      servers: z.array(socketAddress(53)).min(1),
      /** The FQDN to resolve; default the HA-APN built from `apn`, MCC and MNC (TS 23.003 §21.2). */
      haApn: domainName.optional(),
    })
    .optional(),
  dhcpv6: z
    .strictObject({
      /** Access interface to send the Information-Request on, from its link-local address (RFC 8415 §7.1, §17). */
      interface: nonEmptyText,
      /** The seed's id-type: 0 "HA in the visited network", 1 "HA for the target PDN" (RFC 6610 VDINF / IDINF). */
      idType: oneOf(['visited', 'target']).prefault('target'),
      /**
       * Where the Information-request goes: All_DHCP_Relay_Agents_and_Servers ff02::1:2 on `interface` (RFC 8415
       * §7.1), or a server's or relay's unicast address (for links without multicast).
       */
      server: ipv6.prefault('ff02::1:2'),
      /** How long the exchange retransmits before the policy moves on (its MRD; docs/spec-choices.md). */
      timeout: duration({ min: { ms: 1000, sec: 1 } }).prefault('10s'),
      /** Random delay before the first Information-request, at most this (RFC 8415 §18.2.6 INF_MAX_DELAY). */
      firstDelayMax: duration().prefault('1s'),
    })
    .optional(),
});

/** The dynamic discovery methods in use, in order: `methods`, else every configured one with DNS first. */
export function enabledDiscoveryMethods(d: {
  readonly methods?: readonly (typeof DISCOVERY_METHODS)[number][] | undefined;
  readonly dns?: unknown;
  readonly dhcpv6?: unknown;
}): (typeof DISCOVERY_METHODS)[number][] {
  return d.methods ? [...d.methods] : DISCOVERY_METHODS.filter((m) => d[m] !== undefined);
}

const ikeSchema = z.strictObject({
  ports: z
    .strictObject({
      local: localPort.prefault('0'),
      localNatT: localPort.prefault('0'),
      remote: port.prefault('500'),
      remoteNatT: port.prefault('4500'),
    })
    .superRefine((p, ctx) => {
      // RFC 3948 §2.2 / RFC 7296 §2.23: the NAT-T port tells IKE with a non-ESP marker from ESP; one port cannot be both.
      if (p.remote === p.remoteNatT) {
        ctx.addIssue({ code: 'custom', path: ['remoteNatT'], message: 'must differ from remote (the IKE port)' });
      }
      if (p.local !== 0 && p.local === p.localNatT) {
        ctx.addIssue({ code: 'custom', path: ['localNatT'], message: 'must differ from local (the IKE port)' });
      }
    })
    .prefault({}),
  proposals: proposalsSchema.prefault({}),
  timers: ikeTimersSchema.prefault({}),
  /** CA certificate (PEM) the HA's certificate chain must lead to. */
  caCertificate: nonEmptyText,
  /** The identity the HA's certificate must carry (e.g. its FQDN). */
  haIdentity: nonEmptyText,
  requestDns: z.strictObject({ ipv6: bool.prefault('true'), ipv4: bool.prefault('true') }).prefault({}),
  /** Add an empty INTERNAL_IP6_ADDRESS to the CFG_REQUEST (strongSwan answers attributes only then). */
  requestIpv6Address: bool.prefault('false'),
  /** Move to UDP 4500 even without a NAT (RFC 5555 §5 allows it). */
  alwaysUseNatT: bool.prefault('false'),
  /**
   * Once registered from an IPv4 care-of address, negotiate the data Child SA of RFC 5555 §5.2.2 (ESP tunnel mode,
   * TSi = the home addresses, TSr = all but the HA) and send user traffic through it.
   */
  protectData: bool.prefault('false'),
  /**
   * An RFC 4739 second authentication round after EAP-AKA (TS 33.402 external PDN authentication): the UE announces
   * ANOTHER_AUTH_FOLLOWS and answers EAP-MD5 or EAP-GTC with these credentials.
   */
  secondAuth: ueSecondAuthSchema.optional(),
});

const accessSchema = z
  .strictObject({
    family: oneOf(['ipv4', 'ipv6']),
    /** The access link's interface (for Router Advertisements and DHCPv6 discovery). */
    interface: nonEmptyText.optional(),
    ipv4: z.strictObject({ careOfAddress: ipv4 }).optional(),
    ipv6: z.strictObject({ careOfAddress: ipv6 }).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.family === 'ipv4' && !a.ipv4)
      ctx.addIssue({ code: 'custom', path: ['ipv4'], message: 'needed for family ipv4' });
    if (a.family === 'ipv6' && !a.ipv6)
      ctx.addIssue({ code: 'custom', path: ['ipv6'], message: 'needed for family ipv6' });
  });

const mobilitySchema = z
  .strictObject({
    /** Ask for an IPv4 home address with the IPv4 Home Address option 0.0.0.0 (RFC 5555 §3.1.1). */
    wantIpv4HomeAddress: bool.prefault('true'),
    /** Ask for this IPv4 home address instead (RFC 5555 §4.4.2). */
    staticIpv4HomeAddress: ipv4.optional(),
    /** Alternate CoA option (RFC 4877 §4.3 MUST; TS 24.303 §5.1.2.4 "may"). */
    alternateCareOf: bool.prefault('true'),
    /** F flag (RFC 5555 §3.1.3); TS 24.303 §5.1.2.4 says 0. */
    forceUdp: bool.prefault('false'),
    lifetime: bindingLifetime().prefault('3600s'),
    refreshMargin: refreshMargin.prefault('20%'),
    /** UDP source port of BUs and tunnelled packets over IPv4 (RFC 5555 §4.1: any). */
    udpSourcePort: port.prefault('4191'),
    /** Interface identifier of the home address (RFC 4291 §2.5.1); default a random one per attach. */
    interfaceId: hex([8]).optional(),
    /**
     * After IPv4 AA 132 (no address available), ask again with 0.0.0.0 on later refreshes, waiting ipv4RetryBackoff
     * (doubled per 132, up to ipv4RetryBackoffMax); false: IPv6 only until the next attach (src/mip/ipv4-hoa-retry.ts).
     */
    ipv4RetryAfterNoAddress: bool.prefault('true'),
    ipv4RetryBackoff: duration({ min: durationOfMs(1000) }).prefault('5m'),
    ipv4RetryBackoffMax: duration({ min: durationOfMs(1000) }).prefault('1h'),
  })
  .superRefine((m, ctx) => {
    if (m.ipv4RetryBackoffMax.ms < m.ipv4RetryBackoff.ms) {
      ctx.addIssue({ code: 'custom', path: ['ipv4RetryBackoffMax'], message: 'must be at least ipv4RetryBackoff' });
    }
    if (m.staticIpv4HomeAddress && !m.wantIpv4HomeAddress) {
      ctx.addIssue({
        code: 'custom',
        path: ['wantIpv4HomeAddress'],
        message: 'must be true with staticIpv4HomeAddress',
      });
    }
    if (m.refreshMargin.kind === 'duration' && m.refreshMargin.duration.ms >= m.lifetime.ms) {
      ctx.addIssue({ code: 'custom', path: ['refreshMargin'], message: 'must be shorter than the lifetime' });
    }
  });

const dhcpv6CodeList = z.array(int(1, 65535, 'a DHCPv6 option code')).prefault([]);
const dhcpv4CodeList = z.array(int(1, 254, 'a DHCPv4 option code')).prefault([]);

/** Stateless DHCP through the tunnel once bound (TS 24.303 §5.1.2.4 last paragraph). */
const tunnelDhcpSchema = z.strictObject({
  v6: z.strictObject({ enabled: bool.prefault('true'), extraOptions: dhcpv6CodeList }).prefault({}),
  v4: z.strictObject({ enabled: bool.prefault('true'), extraOptions: dhcpv4CodeList }).prefault({}),
});

export const ueSchema = z
  .strictObject({
    identity: identitySchema,
    /** APN of the target PDN: IKE_AUTH IDr (TS 24.303 §5.1.2.2) and the HA-APN's network identifier. */
    apn: apnNetworkIdentifier,
    discovery: discoverySchema,
    ike: ikeSchema,
    access: accessSchema,
    mobility: mobilitySchema.prefault({}),
    dhcp: tunnelDhcpSchema.prefault({}),
    tun: tunSchema.prefault({}),
    logging: loggingSchema.prefault({}),
    capture: captureSchema.prefault({}),
  })
  .superRefine((ue, ctx) => {
    const d = ue.discovery;
    for (const [i, m] of (d.methods ?? []).entries()) {
      if (!d[m])
        ctx.addIssue({ code: 'custom', path: ['discovery', 'methods', i], message: `needs a discovery.${m} section` });
    }
    const methods = enabledDiscoveryMethods(d);
    if (methods.includes('dhcpv6') && ue.access.family === 'ipv4') {
      // RFC 8415 §7.1, §17: the Information-request leaves from an IPv6 link-local address to ff02::1:2.
      ctx.addIssue({
        code: 'custom',
        path: ['discovery', 'methods'],
        message:
          'DHCPv6 discovery (TS 24.303 §5.1.2.1.5) needs IPv6 on the access link, and access.family ipv4 is an ' +
          'IPv4-only access: use dns, static, pco or epdgHomeAgentAddress there',
      });
    }
    const { mcc, mnc } = ue.identity;
    const noPlmn = mcc === undefined || mnc === undefined;
    const target = methods.includes('dhcpv6') && d.dhcpv6?.idType === 'target';
    if (target && !d.dns?.haApn && noPlmn) {
      ctx.addIssue({
        code: 'custom',
        path: ['discovery', 'dhcpv6', 'idType'],
        message: 'target asks for the HA-APN (RFC 6610 HNIDF): give identity mcc/mnc or discovery.dns.haApn',
      });
    }
    // The HA-APN discovery uses (ue-config.ts haApnOf) is checked here, not at the first attach.
    if ((d.dns || target) && !d.dns?.haApn && !noPlmn) {
      const built = tryBuildHaApn(ue.apn, { mcc, mnc });
      if (!built.ok) {
        ctx.addIssue({
          code: 'custom',
          path: ['apn'],
          message: `no HA-APN from it: ${built.problem} (TS 23.003 §21.2)`,
        });
      }
    }
    const parsed = target && d.dns?.haApn ? parseHaApn(d.dns.haApn) : undefined;
    if (parsed && !parsed.ok) {
      ctx.addIssue({
        code: 'custom',
        path: ['discovery', 'dns', 'haApn'],
        message:
          `DHCPv6 id-type target sends it as the HA-APN (RFC 6610 HNIDF), but it is not one: ${parsed.problem} ` +
          '(TS 23.003 §21.2: <APN>.ha-apn.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org)',
      });
    }
    if (d.dns && !d.dns.haApn && noPlmn) {
      ctx.addIssue({
        code: 'custom',
        path: ['discovery', 'dns', 'haApn'],
        message: 'needed when identity has no mcc/mnc',
      });
    }
    if (!d.pco && !d.epdgHomeAgentAddress && d.static.length === 0 && !d.dns && !d.dhcpv6) {
      ctx.addIssue({
        code: 'custom',
        path: ['discovery'],
        message: 'no way to find a home agent: give static, pco, epdgHomeAgentAddress, dns or dhcpv6',
      });
    }
    if (ue.access.family === 'ipv4' && d.static.some((h) => !h.ipv4) && !d.dns && !d.pco && !d.epdgHomeAgentAddress) {
      const i = d.static.findIndex((h) => !h.ipv4);
      ctx.addIssue({
        code: 'custom',
        path: ['discovery', 'static', i, 'ipv4'],
        message: 'an IPv4-only access needs the home agent IPv4 address (RFC 5555 §4.4.2)',
      });
    }
  });
