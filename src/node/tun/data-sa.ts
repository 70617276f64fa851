/**
 * What the HA and the UE share about a data SA (RFC 5555 §5.2.2): a negotiated tunnel-mode Child SA installed in a
 * SAD of its own (both directions, RFC 4301 §4.4.2), its selectors compiled for the forwarding path, and the inbound
 * half: ESP opened by SPI (RFC 4301 §4.1), then the inner packet checked against the SA's selectors (RFC 4301 §5.2
 * step 4) before anything else sees it. Nothing here throws for peer input; every refusal is a counted reason.
 */
import { isCryptoError } from '../../crypto/errors.ts';
import type { ChildSaEvent, IkePath } from '../../ike/events.ts';
import type { EspSa } from '../../ipsec/sa.ts';
import type { EspSad } from '../../ipsec/sad.ts';
import { espSaParamsOf } from '../ike/esp-sa-params.ts';
import type { TunnelMtus } from './compiled-tunnel.ts';
import { EspDataTunnel, type EspOutput } from './esp-data-tunnel.ts';
import { CompiledSelectors } from './selector-match.ts';
import { isWholePacket } from './tunnel-forwarder.ts';

/** Why a received data-SA packet went no further. */
export const DATA_SA_DROP_REASONS = [
  /** Not one whole IPv4 packet carrying ESP, or a fragment (reassembled before IPsec, RFC 4303 §3.4.1). */
  'malformed-outer',
  /** The SAD's verdicts (RFC 4303 §3.4): no SA for the SPI, replay, ICV, padding, expired. */
  'unknown-spi',
  'replay',
  'auth-failed',
  'bad-padding',
  'sa-expired',
  'dummy-packet',
  'bad-next-header',
  'malformed',
  /** The inner packet is outside the SA's selectors (RFC 4301 §5.2 step 4). */
  'selector-mismatch',
  /** HA: the inner source is a home address with no live binding (RFC 5555 §4.5.1: only bound UEs forward). */
  'source-not-bound',
  /** No device to hand the inner packet to. */
  'no-device',
] as const;

export type DataSaDropReason = (typeof DATA_SA_DROP_REASONS)[number];

export interface DataSaCounters {
  /** Data SAs installed and removed since start, and those the SAD refused (a RangeError or CryptoError). */
  installed: number;
  removed: number;
  refused: number;
  /** Inner packets that passed every inbound check. */
  opened: number;
  readonly drops: Record<DataSaDropReason, number>;
}

export function newDataSaCounters(): DataSaCounters {
  const drops = {} as Record<DataSaDropReason, number>;
  for (const r of DATA_SA_DROP_REASONS) drops[r] = 0;
  return { installed: 0, removed: 0, refused: 0, opened: 0, drops };
}

/** One installed data SA. */
export class DataSa {
  constructor(
    readonly ikeSaId: number,
    /** Both SPIs as the IKE engine named them (`spiIn` is ours). */
    readonly spiIn: number,
    readonly spiOut: number,
    readonly inbound: EspSa,
    readonly outbound: EspSa,
    readonly selectors: CompiledSelectors,
    readonly tunnel: EspDataTunnel,
  ) {}
}

/** Whether `e` can be a data SA here: tunnel mode between IPv4 IKE endpoints (RFC 5555 §5.2.2 is over IPv4). */
export function isIpv4TunnelChild(e: ChildSaEvent, path: IkePath): boolean {
  return e.mode === 'tunnel' && path.localAddr.bytes.length === 4 && path.remoteAddr.bytes.length === 4;
}

/**
 * Installs both directions of `e` (negotiated on the IKE SA whose path is `path`) in `sad`; undefined (counted in
 * `counters.refused`) when the SAD refuses it: a duplicate inbound SPI (RangeError) or keys it cannot use
 * (CryptoError). Nothing is left installed then, and the node runs on.
 */
export function installDataSa(
  sad: EspSad,
  e: ChildSaEvent,
  path: IkePath,
  output: EspOutput,
  mtus: TunnelMtus,
  counters: DataSaCounters,
): DataSa | undefined {
  try {
    return installPair(sad, e, path, output, mtus);
  } catch (err) {
    if (!(err instanceof RangeError) && !isCryptoError(err)) throw err;
    counters.refused++;
    return undefined;
  }
}

function installPair(sad: EspSad, e: ChildSaEvent, path: IkePath, output: EspOutput, mtus: TunnelMtus): DataSa {
  const params = espSaParamsOf(e, path);
  const inbound = sad.install(params.inbound);
  let outbound: EspSa | undefined;
  try {
    outbound = sad.install(params.outbound);
    const tunnel = new EspDataTunnel(outbound, output, mtus);
    const selectors = new CompiledSelectors({ local: e.tsLocal, remote: e.tsRemote });
    return new DataSa(e.ikeSaId, e.spiIn, e.spiOut, inbound, outbound, selectors, tunnel);
  } catch (err) {
    sad.remove(inbound);
    if (outbound) sad.remove(outbound);
    throw err;
  }
}

export function removeDataSa(sad: EspSad, sa: DataSa): void {
  sad.remove(sa.inbound);
  sad.remove(sa.outbound);
}

/** The ESP of an IPv4 packet carrying protocol 50 (RFC 791 §3.1, RFC 4303 §2), or undefined; reads only in bounds. */
export function espOfIpv4(packet: Uint8Array): Uint8Array | undefined {
  if (packet.length < 20 || packet[0]! >> 4 !== 4 || packet[9] !== 50) return undefined;
  const headerLength = (packet[0]! & 0x0f) * 4;
  const total = (packet[2]! << 8) | packet[3]!;
  if (headerLength < 20 || total < headerLength || total > packet.length) return undefined;
  if ((packet[6]! & 0x3f) !== 0 || packet[7] !== 0) return undefined; // MF or an offset: a fragment
  return packet.subarray(headerLength, total);
}

export type DataSaOpenResult =
  | { readonly ok: true; readonly sa: DataSa; readonly inner: Uint8Array }
  | { readonly ok: false; readonly reason: DataSaDropReason };

/**
 * Opens `esp` through `sad` and checks it belongs to a data SA in `bySpi` and that the inner packet is one whole IP
 * packet inside the SA's selectors. Counts the refusal in `counters`.
 */
export function openDataEsp(
  sad: EspSad,
  bySpi: ReadonlyMap<number, DataSa>,
  esp: Uint8Array,
  counters: DataSaCounters,
): DataSaOpenResult {
  const r = sad.open(esp);
  let reason: DataSaDropReason;
  if (!r.ok) reason = r.reason;
  else {
    const sa = bySpi.get(r.sa.spi);
    if (sa === undefined) reason = 'unknown-spi';
    else if (!isWholePacket(r.data)) {
      reason = 'malformed';
      sad.countDrop('malformed', r.sa);
    } else if (!sa.selectors.matchesInbound(r.data)) {
      reason = 'selector-mismatch';
      sad.countDrop('selector-mismatch', r.sa);
    } else return { ok: true, sa, inner: r.data };
  }
  counters.drops[reason]++;
  return { ok: false, reason };
}
