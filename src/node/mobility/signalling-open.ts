/**
 * The receive half both ends share: open the ESP of a classified packet through the SAD (unknown SPI, replay,
 * integrity: RFC 4303 §3.4), check the BU/BA SA's selectors (RFC 4301 §5.2 step 4; any other SA goes the SAD's
 * generic way and back to the node), on the HA that the SA's IKE identity owns the Home Address (RFC 4877 §4.3,
 * §7.1), and only then decode the Mobility Header with its checksum over the effective addresses (HAO as source,
 * RH2 as destination, RFC 6275 §6.1.1). Every refusal is a typed, countable reason; nothing throws for peer input.
 */
import type { IpsecOpenResult } from '../../ipsec/packet-open.ts';
import { openEspPacket } from '../../ipsec/packet-open.ts';
import { ESP_DROP_REASONS, type EspDropReason, type EspSealRefusal } from '../../ipsec/sa.ts';
import type { EspSad } from '../../ipsec/sad.ts';
import type { OuterInfo } from '../../mip/types.ts';
import { isWireError } from '../../util/errors.ts';
import type { Ipv6Address } from '../../util/ip-address.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { decodeMobilityHeader } from '../../wire/mh/header.ts';
import type { MobilityMessage } from '../../wire/mh/messages.ts';
import { type MobilitySaEntry, type MobilitySaRegistry, ownsHomeAddress } from './sa-registry.ts';
import type { SignallingInput } from './signalling-packet.ts';

/** Why a received signalling packet was dropped without a reply (each is counted). */
export type SignallingDropReason =
  /** Outer or tunnelled headers that do not parse. */
  | 'malformed-packet'
  /** A Mobility Header outside ESP (RFC 4877 §4.3: BU/BA MUST be ESP-protected). */
  | 'mh-without-esp'
  /** The SAD's reasons: unknown SPI, replay, integrity failure, selector mismatch, … (RFC 4303 §3.4). */
  | EspDropReason
  /** HA: the IKE identity behind the SA was not given a prefix holding this Home Address (RFC 4877 §7.1). */
  | 'home-address-not-owned'
  /** The MH inside ESP is malformed or its checksum is wrong (RFC 6275 §9.2). */
  | 'mh-malformed'
  /** A BU where a BA was expected, or any other MH type. */
  | 'unexpected-mh-type';

export const SIGNALLING_DROP_REASONS: readonly SignallingDropReason[] = [
  'malformed-packet',
  'mh-without-esp',
  ...ESP_DROP_REASONS,
  'home-address-not-owned',
  'mh-malformed',
  'unexpected-mh-type',
];

/** Why an outbound BU/BA was not sent. */
export type SignallingUnsentReason = 'no-outbound-sa' | EspSealRefusal;

export interface SignallingCounters {
  /** Messages handed to the core. */
  accepted: number;
  /** Protected messages sent. */
  sent: number;
  readonly dropped: Record<SignallingDropReason, number>;
  readonly unsent: Record<SignallingUnsentReason, number>;
}

export function newSignallingCounters(): SignallingCounters {
  const dropped = {} as Record<SignallingDropReason, number>;
  for (const r of SIGNALLING_DROP_REASONS) dropped[r] = 0;
  return { accepted: 0, sent: 0, dropped, unsent: { 'no-outbound-sa': 0, 'sequence-exhausted': 0, 'sa-expired': 0 } };
}

/** What the pipeline made of a received packet. */
export type SignallingOutcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'dropped'; readonly reason: SignallingDropReason }
  /** ESP on a Child SA that is not a BU/BA SA (the data SA): opened, for the data path. */
  | {
      readonly kind: 'esp-other';
      readonly opened: Extract<IpsecOpenResult, { ok: true }>;
      readonly outer: OuterInfo;
    }
  /** Not signalling at all (data tunnels, other protocols): the node's other paths. */
  | { readonly kind: 'not-signalling' };

/** A Mobility Header that came in a BU/BA SA, with what the core needs to know about it. */
export interface OpenedMobility {
  readonly kind: 'mobility';
  readonly message: MobilityMessage;
  readonly entry: MobilitySaEntry;
  /** Effective source (HAO or IPv6 source) and destination (RH2 or IPv6 destination). */
  readonly source: Ipv6Address;
  readonly destination: Ipv6Address;
  readonly outer: OuterInfo;
}

export const NOT_SIGNALLING: SignallingOutcome = { kind: 'not-signalling' };
const DROPS = new Map<SignallingDropReason, SignallingOutcome>(
  SIGNALLING_DROP_REASONS.map((reason) => [reason, { kind: 'dropped', reason }]),
);

/** The shared outcome object of a drop, counted. */
export function drop(counters: SignallingCounters, reason: SignallingDropReason): SignallingOutcome {
  counters.dropped[reason]++;
  return DROPS.get(reason)!;
}

/**
 * RFC 4301 §5.2 step 4 for a BU/BA SA, whose selectors child-sa.ts guarantees to be one IPv6 address per side with
 * protocol 135: the effective source is the peer's address, the effective destination ours, and the MH type (the
 * selector "port", RFC 4301 §4.4.1.1) one the peer's side admits. The same verdict as `packetMatchesSelectors`
 * (signalling-open.test.ts checks them against each other) without building a packet selector.
 */
export function mobilitySelectorVerdict(
  entry: MobilitySaEntry,
  source: Ipv6Address,
  destination: Ipv6Address,
  nextHeader: number,
  data: Uint8Array,
): 'malformed' | 'selector-mismatch' | undefined {
  if (nextHeader !== IpProtocol.MH) return 'selector-mismatch';
  if (data.length < 3) return 'malformed'; // no MH Type to match
  const port = data[2]! << 8;
  const { first, last } = entry.peerPorts;
  const anyPort = first === 0 && last === 0xffff;
  if (!anyPort && (port < first || port > last)) return 'selector-mismatch';
  return entry.peerAddress.equals(source) && entry.localAddress.equals(destination) ? undefined : 'selector-mismatch';
}

function spiOf(esp: Uint8Array): number {
  return ((esp[0]! << 24) | (esp[1]! << 16) | (esp[2]! << 8) | esp[3]!) >>> 0;
}

/** Opens a classified packet down to its Mobility Header (see the file comment); drops are counted here. */
export function openSignalling(
  sad: EspSad,
  registry: MobilitySaRegistry,
  input: SignallingInput,
  counters: SignallingCounters,
): OpenedMobility | SignallingOutcome {
  if (input.kind === 'other') return NOT_SIGNALLING;
  if (input.kind === 'mh-without-esp') return drop(counters, 'mh-without-esp');
  const carrier = input.carrier;
  const entry = carrier.esp.length >= 8 ? registry.entryBySpi(spiOf(carrier.esp)) : undefined;
  if (entry === undefined || carrier.version !== 6) {
    // Not a BU/BA SA (the data SA, or no SA at all): the SAD's generic path with its own selector check.
    const r = openEspPacket(sad, carrier);
    return r.ok ? { kind: 'esp-other', opened: r, outer: input.outer } : drop(counters, r.reason);
  }
  const r = sad.open(carrier.esp);
  if (!r.ok) return drop(counters, r.reason);
  const source = carrier.effectiveSource;
  const destination = carrier.effectiveDestination;
  const mismatch = mobilitySelectorVerdict(entry, source, destination, r.nextHeader, r.data);
  if (mismatch !== undefined) {
    sad.countDrop(mismatch, r.sa);
    return drop(counters, mismatch);
  }
  if (registry.role === 'home-agent' && !ownsHomeAddress(entry, source))
    return drop(counters, 'home-address-not-owned');
  let message: MobilityMessage;
  try {
    message = decodeMobilityHeader(r.data, { src: source, dst: destination });
  } catch (e) {
    if (!isWireError(e)) throw e;
    return drop(counters, 'mh-malformed');
  }
  return { kind: 'mobility', message, entry, source, destination, outer: input.outer };
}
