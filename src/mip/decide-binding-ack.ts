/**
 * The UE's decision on a received Binding Acknowledgement, pure (RFC 6275 §11.7.3, RFC 5555 §4.4.2,
 * TS 24.303 §5.1.2.4 paragraphs on status 0 / 128 / 129–133 / 135 and on the IPv4 Address Acknowledgement).
 */
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import {
  BaStatus,
  Ipv4AckStatus,
  isAcceptedStatus,
  NAT_REFRESH_TIME_NOT_NEEDED,
  NATKATIMEOUT_SEC,
} from '../wire/mh/constants.ts';
import type { BindingAcknowledgement } from '../wire/mh/messages.ts';
import { isSequenceInRange } from './sequence.ts';
import type { BindingAckContext } from './types.ts';

/** The BU the UE is waiting to hear about: every transmission used a new sequence number in [first, last]. */
export interface OutstandingBindingUpdate {
  readonly homeAgent: Ipv6Address;
  readonly firstSequence: number;
  readonly lastSequence: number;
  readonly lifetimeSec: number;
  /** The address of the IPv4 HoA option sent (0.0.0.0 for a dynamic request), undefined when none. */
  readonly ipv4Requested: Ipv4Address | undefined;
  readonly forceUdp: boolean;
}

export type Ipv4AckOutcome =
  /** The BU asked for no IPv4 HoA. */
  | { readonly kind: 'not-requested' }
  /** Asked but no IPv4 AA came back: IPv6 entry only (RFC 5555 §4.4.2; TS 24.303 §5.1.2.4). */
  | { readonly kind: 'absent' }
  /** Status 0–127: a second Binding Update List entry for the IPv4 HoA. */
  | { readonly kind: 'assigned'; readonly address: Ipv4Address; readonly prefixLength: number }
  /** 129, 132: IPv6 only and do not re-send (TS 24.303 §5.1.2.4). */
  | { readonly kind: 'refused-final'; readonly status: number }
  /** 128, 130, 131, 133: re-send the BU with 0.0.0.0 (TS 24.303 §5.1.2.4). */
  | { readonly kind: 'refused-retry-dynamic'; readonly status: number }
  /** Any other failure status: IPv6 only; later BUs may ask again (RFC 5555 §4.4.2). */
  | { readonly kind: 'refused'; readonly status: number };

export type BaIgnoreReason = 'not-protected-by-esp' | 'not-from-home-agent' | 'no-outstanding-bu' | 'sequence-mismatch';

export type BaDecision =
  | { readonly kind: 'ignore'; readonly reason: BaIgnoreReason }
  /** 135: adopt the HA's number and send again with the next one (RFC 6275 §11.7.1, §11.7.3). */
  | { readonly kind: 'resynchronise'; readonly sequence: number }
  | {
      readonly kind: 'accepted';
      readonly status: number;
      /** min(granted, requested): counts down from when the BU was sent (RFC 6275 §11.7.3). */
      readonly lifetimeSec: number;
      readonly refreshAdviceSec: number | undefined;
      readonly ipv4: Ipv4AckOutcome;
      /** NAT Detection option with F set: UDP encapsulation for data (TS 24.303 §5.1.2.4 last paragraph). */
      readonly udpEncapsulation: boolean;
      /** Seconds between NAT binding refreshes, undefined when none are needed (RFC 5555 §4.3). */
      readonly natKeepaliveSec: number | undefined;
      readonly keyManagementMobility: boolean;
    }
  /** 128: the UE may re-send (TS 24.303 §5.1.2.4), on its back-off timer. */
  | { readonly kind: 'retry-later'; readonly status: number }
  /** 144 to a BU with F set: re-send without F (RFC 5555 §4.4.2; docs/spec-choices.md). */
  | { readonly kind: 'retry-without-force-udp'; readonly status: number }
  /** 129–133 and other refusals: no more BUs to this HA, try another (TS 24.303 §5.1.2.4, RFC 6275 §11.7.3). */
  | { readonly kind: 'next-home-agent'; readonly status: number }
  /** 134: the HoA must not be re-used (RFC 6275 §11.7.1). */
  | { readonly kind: 'give-up'; readonly status: number };

function ipv4Outcome(ba: BindingAcknowledgement, outstanding: OutstandingBindingUpdate): Ipv4AckOutcome {
  if (outstanding.ipv4Requested === undefined) return { kind: 'not-requested' };
  const aa = ba.options.find((o) => o.kind === 'ipv4-address-acknowledgement');
  if (aa === undefined || aa.kind !== 'ipv4-address-acknowledgement') return { kind: 'absent' };
  const s = aa.status;
  if (isAcceptedStatus(s)) return { kind: 'assigned', address: aa.homeAddress, prefixLength: aa.prefixLength };
  if (
    s === Ipv4AckStatus.ADMINISTRATIVELY_PROHIBITED ||
    s === Ipv4AckStatus.DYNAMIC_IPV4_HOME_ADDRESS_ASSIGNMENT_NOT_AVAILABLE
  ) {
    return { kind: 'refused-final', status: s };
  }
  if (
    s === Ipv4AckStatus.FAILURE_REASON_UNSPECIFIED ||
    s === Ipv4AckStatus.INCORRECT_IPV4_HOME_ADDRESS ||
    s === Ipv4AckStatus.INVALID_IPV4_ADDRESS ||
    s === Ipv4AckStatus.PREFIX_ALLOCATION_UNAUTHORIZED
  ) {
    return { kind: 'refused-retry-dynamic', status: s };
  }
  return { kind: 'refused', status: s };
}

function natKeepalive(refreshTimeSec: number): number | undefined {
  if (refreshTimeSec === NAT_REFRESH_TIME_NOT_NEEDED) return undefined;
  // RFC 5555 §3.2.2: 0 means "ignore the suggestion": the default NATKATIMEOUT applies (§4.3).
  return refreshTimeSec === 0 ? NATKATIMEOUT_SEC : refreshTimeSec;
}

export function decideBindingAck(
  ba: BindingAcknowledgement,
  ctx: BindingAckContext,
  outstanding: OutstandingBindingUpdate | undefined,
): BaDecision {
  // RFC 6275 §11.7.3: a BA from the HA must come under the IPsec SA; anything failing validation is ignored.
  if (!ctx.protectedByEsp) return { kind: 'ignore', reason: 'not-protected-by-esp' };
  if (outstanding === undefined) return { kind: 'ignore', reason: 'no-outstanding-bu' };
  if (!ctx.source.equals(outstanding.homeAgent)) return { kind: 'ignore', reason: 'not-from-home-agent' };
  // 135 carries the HA's last accepted number, not ours: it passes on authentication alone.
  if (ba.status === BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW) return { kind: 'resynchronise', sequence: ba.sequence };
  if (!isSequenceInRange(ba.sequence, outstanding.firstSequence, outstanding.lastSequence)) {
    return { kind: 'ignore', reason: 'sequence-mismatch' };
  }
  const status = ba.status;
  if (isAcceptedStatus(status)) {
    let refreshAdviceSec: number | undefined;
    let udpEncapsulation = false;
    let natKeepaliveSec: number | undefined;
    for (const o of ba.options) {
      if (o.kind === 'binding-refresh-advice') refreshAdviceSec = o.refreshIntervalSec;
      if (o.kind === 'nat-detection') {
        udpEncapsulation = o.udpEncapsulationRequired;
        natKeepaliveSec = natKeepalive(o.refreshTimeSec);
      }
    }
    return {
      kind: 'accepted',
      status,
      lifetimeSec: Math.min(ba.lifetimeSec, outstanding.lifetimeSec),
      refreshAdviceSec,
      ipv4: ipv4Outcome(ba, outstanding),
      udpEncapsulation,
      natKeepaliveSec,
      keyManagementMobility: ba.keyManagementMobilityCapability,
    };
  }
  if (status === BaStatus.REASON_UNSPECIFIED) return { kind: 'retry-later', status };
  if (status === BaStatus.DUPLICATE_ADDRESS_DETECTION_FAILED) return { kind: 'give-up', status };
  if (status === BaStatus.MIPV6_ID_MISMATCH && outstanding.forceUdp) return { kind: 'retry-without-force-udp', status };
  return { kind: 'next-home-agent', status };
}
