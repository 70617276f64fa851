/**
 * The UE config file (src/config/ue-schema.ts) as the inputs of the cores it runs: Home Agent discovery
 * (TS 24.303 §5.1.2.1), the IKEv2 initiator with EAP-AKA (§5.1.2.2: IDi = NAI, IDr = APN, CP for the home prefix)
 * and the mobile node core (§5.1.2.3–§5.1.2.4). What can still fail here (an unreadable CA file) is a ConfigError.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { UeConfig } from '../../config/load.ts';
import { enabledDiscoveryMethods } from '../../config/ue-schema.ts';
import type { UsimSqnState } from '../../crypto/index.ts';
import { candidate, type HomeAgentCandidate } from '../../discovery/candidates.ts';
import type { HomeAgentDiscoveryInit } from '../../discovery/discovery-config.ts';
import { buildHaApn } from '../../discovery/ha-apn.ts';
import { homeAgentFromEpdgAttribute, homeAgentFromPco } from '../../discovery/sources.ts';
import { buildRootNai } from '../../eap/identity.ts';
import type { AkaPeerEvent } from '../../eap/index.ts';
import type { InitiatorConfig } from '../../ike/initiator.ts';
import { TrustStore } from '../../ike/trust.ts';
import type { MobileNodeConfig } from '../../mip/mn-config.ts';
import { type HomeAgentAddress, mobileNodePolicy } from '../../mip/policy.ts';
import type { Ipv6Prefix } from '../../mip/types.ts';
import { ConfigError } from '../../util/errors.ts';
import type { IpAddress, Ipv6Address } from '../../util/ip-address.ts';
import { identityData } from '../../wire/ike/identity.ts';
import { eapAkaPeerFactory, eapPasswordPeerFactory } from '../ike/eap-adapters.ts';
import type { UdpIkeAddress } from '../ike/udp-endpoint.ts';
import { ikeTimingOf } from '../net/ike-timing.ts';

/** The IDi: the configured NAI, else the root NAI from IMSI, MCC and MNC (TS 23.003 §19.3.2). */
export function naiOf(config: UeConfig): string {
  const id = config.identity;
  if (id.nai !== undefined) return id.nai;
  return buildRootNai({ imsi: id.imsi, mcc: id.mcc!, mnc: id.mnc! });
}

/**
 * The HA-APN (TS 23.003 §21.2): `discovery.dns.haApn`, else the one of the APN in the home PLMN. DNS discovery
 * resolves it (TS 24.303 §5.1.2.1.2) and DHCPv6 id-type 1 names it (§5.1.2.1.5); undefined without MCC and MNC.
 */
export function haApnOf(config: UeConfig): string | undefined {
  const { mcc, mnc } = config.identity;
  const configured = config.discovery.dns?.haApn;
  if (configured !== undefined) return configured;
  return mcc !== undefined && mnc !== undefined ? buildHaApn(config.apn, { mcc, mnc }) : undefined;
}

/** HAs the network named (PCO, ePDG): they win over DNS (TS 24.303 §5.1.2.1.1). */
export function providedHomeAgents(config: UeConfig): HomeAgentCandidate[] {
  const d = config.discovery;
  const out: HomeAgentCandidate[] = [];
  const pco = d.pco ? homeAgentFromPco(d.pco) : undefined;
  if (pco) out.push(pco);
  if (d.epdgHomeAgentAddress) out.push(homeAgentFromEpdgAttribute(d.epdgHomeAgentAddress));
  return out;
}

/** HAs from the file's `discovery.static`: tried once every discovered one failed. */
export function staticHomeAgents(config: UeConfig): HomeAgentCandidate[] {
  return config.discovery.static.map((h) => candidate({ method: 'configured', ipv6: h.ipv6, ipv4: h.ipv4 }));
}

/**
 * The discovery core's inputs: DNS by the HA-APN and DHCPv6 on the access link (`linkLocalAddress` is the source
 * there, RFC 8415 §17; without it DHCPv6 is left out), in the order of `methods`, sequential or parallel
 * (TS 24.303 §5.1.2.1.1). The Information-request on the visited access link carries no Client Identifier: RFC 8415
 * §18.2.6 allows that (RFC 7844 §4.3.1), and any stable identifier there would let the visited network follow the
 * subscriber, or (derived from the IMSI) find the IMSI by trying the ~10^10 IMSIs of a known MCC and MNC.
 */
export function discoveryInitOf(
  config: UeConfig,
  random: (n: number) => Uint8Array,
  linkLocalAddress?: Ipv6Address,
): HomeAgentDiscoveryInit {
  const name = haApnOf(config);
  const d = config.discovery;
  const methods = enabledDiscoveryMethods(d).filter((m) =>
    m === 'dns' ? name !== undefined : linkLocalAddress !== undefined,
  );
  const dhcp = d.dhcpv6;
  return {
    provided: providedHomeAgents(config),
    ...(methods.includes('dns') && name ? { dns: { target: { kind: 'name', name } } } : {}),
    ...(methods.includes('dhcpv6') && dhcp && linkLocalAddress
      ? {
          dhcpv6: {
            idType: dhcp.idType === 'visited' ? 0 : 1,
            ...(name !== undefined ? { haApn: name } : {}),
            linkLocalAddress,
            clientDuid: undefined,
            maxDurationMs: dhcp.timeout.ms,
            firstTransmissionDelayMaxMs: dhcp.firstDelayMax.ms,
          },
        }
      : {}),
    mode: d.policy,
    ...(methods[0] ? { first: methods[0] } : {}),
    random,
  };
}

export interface InitiatorInputs {
  readonly local: UdpIkeAddress;
  /** Where IKE goes: the HA's address of the access family. */
  readonly remote: IpAddress;
  /** The HA's IPv6 address: the BU/BA Child SA is negotiated for it right after IKE_AUTH (RFC 4877 §7.3). */
  readonly homeAgent: Ipv6Address;
  readonly usimSqnState: UsimSqnState;
  readonly onUsimSqnUpdated: (s: UsimSqnState) => void;
  readonly onAkaEvent?: (e: AkaPeerEvent) => void;
  readonly random: (n: number) => Uint8Array;
  /** The Home Address interface identifier to keep (a new IKE SA after a move); default `mobility.interfaceId`. */
  readonly interfaceId?: Uint8Array;
  /**
   * The cleartext payloads of IKE_AUTH and later messages as events (EAP-AKA RES and MAC, AUTH...): only when a
   * message trace or a debug log asks for them.
   */
  readonly messageTrace: boolean;
}

function caCertificates(path: string): X509Certificate[] {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('UNREADABLE', 'ue.ike.caCertificate', `cannot read ${path}: ${(e as Error).message}`);
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ConfigError('INVALID', 'ue.ike.caCertificate', `no PEM certificate in ${path}`);
  return blocks.map((b) => new X509Certificate(b));
}

export function initiatorConfigOf(config: UeConfig, i: InitiatorInputs): InitiatorConfig {
  const ike = config.ike;
  const id = config.identity;
  const nai = naiOf(config);
  const interfaceId = i.interfaceId ?? config.mobility.interfaceId;
  const eapPeer = eapAkaPeerFactory({
    ...(id.mcc !== undefined && id.mnc !== undefined ? { imsi: id.imsi, mcc: id.mcc, mnc: id.mnc } : { identity: nai }),
    ikeIdentity: nai,
    k: id.k,
    opc: id.opc,
    usimSqnState: i.usimSqnState,
    onUsimSqnUpdated: i.onUsimSqnUpdated,
    ...(i.onAkaEvent ? { onEvent: i.onAkaEvent } : {}),
  });
  return {
    random: i.random,
    timing: ikeTimingOf(ike.timers),
    ikeProposals: ike.proposals.ike,
    espProposals: ike.proposals.esp,
    path: {
      localAddr: i.local.address,
      localPort: i.local.ikePort,
      remoteAddr: i.remote,
      remotePort: ike.ports.remote,
    },
    natTPorts: { local: i.local.natTPort, remote: ike.ports.remoteNatT },
    alwaysUseNatT: ike.alwaysUseNatT,
    auth: {
      rounds: [
        { identity: identityData({ kind: 'rfc822', address: nai }), eapPeer },
        // RFC 4739 §2.2: the second round's IDi and its own EAP conversation (EAP-MD5/GTC, no MSK).
        ...(ike.secondAuth
          ? [
              {
                identity: identityData({ kind: 'rfc822', address: ike.secondAuth.identity }),
                eapPeer: eapPasswordPeerFactory(ike.secondAuth),
              },
            ]
          : []),
      ],
      idr: identityData({ kind: 'fqdn', name: config.apn }),
      trust: new TrustStore(caCertificates(ike.caCertificate)),
      peerIdentity: ike.haIdentity,
      maxMessages: 32,
    },
    configRequest: {
      requestIpv6Dns: ike.requestDns.ipv6,
      requestIpv4Dns: ike.requestDns.ipv4,
      requestIpv6Address: ike.requestIpv6Address,
    },
    ...(interfaceId ? { interfaceId } : {}),
    homeAgentAddress: i.homeAgent,
    messageTrace: i.messageTrace,
  };
}

export interface MobileNodeInputs {
  readonly homeAgent: HomeAgentAddress;
  readonly homePrefix: Ipv6Prefix;
  readonly homeAddress: Ipv6Address;
  /** F = 1 (RFC 5555 §3.1.3): configured, or because protocol 41 cannot be received. */
  readonly forceUdp: boolean;
  /** UDP port Z actually bound (RFC 5555 §4.1). */
  readonly udpSourcePort: number;
  readonly initialSequence: number;
}

/** The refresh point as a share of the lifetime: `20%` margin → refresh at 80% (RFC 6275 §11.7.1 "well before"). */
export function refreshFractionOf(config: UeConfig): number {
  const m = config.mobility.refreshMargin;
  const margin = m.kind === 'fraction' ? m.fraction : m.duration.ms / config.mobility.lifetime.ms;
  return Math.min(0.99, Math.max(0.01, 1 - margin));
}

export function mobileNodeConfigOf(config: UeConfig, i: MobileNodeInputs): MobileNodeConfig {
  const m = config.mobility;
  return {
    homeAgents: [i.homeAgent],
    homePrefix: i.homePrefix,
    homeAddress: i.homeAddress,
    wantIpv4HomeAddress: m.wantIpv4HomeAddress,
    ...(m.staticIpv4HomeAddress ? { staticIpv4HomeAddress: m.staticIpv4HomeAddress } : {}),
    initialSequence: i.initialSequence,
    policy: mobileNodePolicy({
      requestedLifetimeSec: m.lifetime.sec,
      alternateCareOf: m.alternateCareOf,
      forceUdp: i.forceUdp,
      // RFC 6275 §11.7.1: K only if the MN can move its IKE endpoint to a new CoA; this UE negotiates a new IKE SA
      // from it instead (RFC 5555 §5.1), so K MUST be 0 (docs/spec-choices.md, against TS 24.303 Annex A.2.1).
      keyManagementMobility: false,
      refreshFraction: refreshFractionOf(config),
      udpSourcePort: i.udpSourcePort,
      ipv4NoAddressRetry: {
        afterNoAddress: m.ipv4RetryAfterNoAddress,
        initialBackoffSec: m.ipv4RetryBackoff.sec,
        maxBackoffSec: m.ipv4RetryBackoffMax.sec,
      },
    }),
  };
}
