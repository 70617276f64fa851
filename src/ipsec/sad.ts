/**
 * The Security Association Database (RFC 4301 §4.4.2): inbound SAs by SPI (RFC 4301 §4.1: for unicast the
 * SPI alone selects the SA), outbound SAs by the packet's selectors. Sans-I/O: the owner installs and removes
 * SAs (events from the IKE engine), hands packets in and polls events out.
 */
import type { RandomSource } from '../crypto/dh-types.ts';
import { bytesEqual } from '../util/hex.ts';
import type { IpAddress } from '../util/ip-address.ts';
import { DEFAULT_EVENT_QUEUE_LIMIT } from './constants.ts';
import { type EspOpenResult, type EspSealResult, openEsp, sealEsp } from './esp-protect.ts';
import {
  type EspDropReason,
  type EspEvent,
  EspSa,
  type EspSealRefusal,
  emptyDropCounters,
  emptyRefusalCounters,
} from './sa.ts';
import type { EspSaParams } from './sa-params.ts';
import { type PacketSelector, packetMatchesSelectors } from './selectors.ts';

export interface EspSadDeps {
  /** Random bytes for CBC IVs (RFC 3602 §3). */
  readonly random: RandomSource;
  /** Events kept before the oldest are dropped (default 1024). */
  readonly eventQueueLimit?: number;
}

export interface EspSadCounters {
  /** Packets and payload bytes sealed on outbound SAs, and authenticated on inbound SAs (removed SAs included). */
  readonly outboundPackets: number;
  readonly outboundBytes: number;
  readonly inboundPackets: number;
  readonly inboundBytes: number;
  readonly drops: Record<EspDropReason, number>;
  readonly refusals: Record<EspSealRefusal, number>;
  /** Events discarded because nobody polled them. */
  readonly eventsLost: number;
}

/** A stable map key for an address (family is implied by the length). */
function addressKey(a: IpAddress): string {
  return String.fromCharCode(...a.bytes);
}

/** The single remote address an SA's selectors name, if they name exactly one: the fast outbound index. */
function singleRemoteAddress(p: EspSaParams): IpAddress | undefined {
  const remote = p.selectors?.remote;
  if (remote?.length !== 1) return undefined;
  const ts = remote[0]!;
  if (ts.kind === 'unknown' || !bytesEqual(ts.startAddress.bytes, ts.endAddress.bytes)) return undefined;
  return ts.startAddress;
}

export class EspSad {
  private readonly inboundBySpi = new Map<number, EspSa>();
  /** Outbound SAs in install order; their SPIs are the peers' choice and need not be unique here. */
  private readonly outboundSas = new Set<EspSa>();
  /** Outbound SAs whose remote selector is one address, newest first per address. */
  private readonly outboundByRemote = new Map<string, EspSa[]>();
  /** Outbound SAs with wider or absent selectors, newest first. */
  private outboundOthers: EspSa[] = [];
  private readonly events: EspEvent[] = [];
  private eventsLost = 0;
  /** Packets and bytes of removed SAs: [outbound packets, outbound bytes, inbound packets, inbound bytes]. */
  private readonly retiredTraffic = [0, 0, 0, 0];
  /** Drops before any SA was found, plus the totals of removed SAs. */
  private readonly retiredDrops = emptyDropCounters();
  private readonly retiredRefusals = emptyRefusalCounters();
  private readonly eventLimit: number;
  private readonly sink = (e: EspEvent): void => {
    if (this.events.length >= this.eventLimit) {
      this.events.shift();
      this.eventsLost++;
    }
    this.events.push(e);
  };

  constructor(private readonly deps: EspSadDeps) {
    this.eventLimit = deps.eventQueueLimit ?? DEFAULT_EVENT_QUEUE_LIMIT;
  }

  /**
   * Adds an SA. A second inbound SA with the same SPI is a RangeError: the inbound SPI is ours to choose and
   * alone selects the SA (RFC 4301 §4.1). Outbound SPIs are chosen by each peer, so two peers may pick the same
   * one. Bad transforms or keys are CryptoError. A newer outbound SA with the same selectors takes precedence
   * over the older one (rekeying, RFC 7296 §2.8).
   */
  install(params: EspSaParams): EspSa {
    if (params.direction === 'inbound' && this.inboundBySpi.has(params.spi)) {
      throw new RangeError(`an inbound SA with SPI ${params.spi} exists`);
    }
    const sa = new EspSa(params, this.deps.random, this.sink);
    if (sa.direction === 'inbound') {
      this.inboundBySpi.set(sa.spi, sa);
    } else {
      this.outboundSas.add(sa);
      const remote = singleRemoteAddress(params);
      if (remote) {
        const key = addressKey(remote);
        this.outboundByRemote.set(key, [sa, ...(this.outboundByRemote.get(key) ?? [])]);
      } else {
        this.outboundOthers = [sa, ...this.outboundOthers];
      }
    }
    return sa;
  }

  /** Removes an SA (after a Delete, a rekey or a hard lifetime); false when it was not installed. */
  remove(sa: EspSa): boolean {
    const direction = sa.direction;
    if (direction === 'inbound') {
      if (this.inboundBySpi.get(sa.spi) !== sa) return false;
      this.inboundBySpi.delete(sa.spi);
    } else if (!this.outboundSas.delete(sa)) {
      return false;
    }
    const i = direction === 'outbound' ? 0 : 2;
    this.retiredTraffic[i]! += sa.packets;
    this.retiredTraffic[i + 1]! += sa.bytes;
    for (const r of Object.keys(sa.drops) as EspDropReason[]) this.retiredDrops[r] += sa.drops[r];
    for (const r of Object.keys(sa.refusals) as EspSealRefusal[]) this.retiredRefusals[r] += sa.refusals[r];
    if (direction === 'outbound') {
      const remote = singleRemoteAddress(sa.params);
      if (remote) {
        const key = addressKey(remote);
        const left = (this.outboundByRemote.get(key) ?? []).filter((x) => x !== sa);
        if (left.length === 0) this.outboundByRemote.delete(key);
        else this.outboundByRemote.set(key, left);
      } else {
        this.outboundOthers = this.outboundOthers.filter((x) => x !== sa);
      }
    }
    return true;
  }

  /** The inbound SA our SPI `spi` selects. */
  inbound(spi: number): EspSa | undefined {
    return this.inboundBySpi.get(spi);
  }

  /** Every installed SA (inbound first, then outbound in install order). */
  all(): EspSa[] {
    return [...this.inboundBySpi.values(), ...this.outboundSas];
  }

  /** The usable outbound SA for a packet we are about to send, newest first (RFC 4301 §5.1 SPD-S match). */
  findOutbound(p: PacketSelector): EspSa | undefined {
    const candidates = this.outboundByRemote.get(addressKey(p.destination));
    if (candidates) {
      for (const sa of candidates) if (sa.usable && saMatchesPacket(sa, p, true)) return sa;
    }
    for (const sa of this.outboundOthers) if (sa.usable && saMatchesPacket(sa, p, true)) return sa;
    return undefined;
  }

  /** Seals on `sa` (see `sealEsp`). */
  seal(sa: EspSa, nextHeader: number, data: Uint8Array): EspSealResult {
    return sealEsp(sa, nextHeader, data);
  }

  /** Looks the SA up by SPI and opens (see `openEsp`); never throws for any `packet`. */
  open(packet: Uint8Array): EspOpenResult {
    if (packet.length < 8) {
      this.retiredDrops.malformed++;
      return { ok: false, reason: 'malformed', spi: packet.length >= 4 ? readSpi(packet) : 0 };
    }
    const spi = readSpi(packet);
    const sa = this.inboundBySpi.get(spi);
    if (!sa) {
      this.retiredDrops['unknown-spi']++;
      return { ok: false, reason: 'unknown-spi', spi };
    }
    return openEsp(sa, packet);
  }

  /** Counts a drop decided outside `open` (a selector mismatch, a malformed outer header), on `sa` if known. */
  countDrop(reason: EspDropReason, sa?: EspSa): void {
    if (sa) sa.drop(reason);
    else this.retiredDrops[reason]++;
  }

  /** The next event (lifetimes, exhaustion, integrity failures), oldest first. */
  pollEvent(): EspEvent | undefined {
    return this.events.shift();
  }

  counters(): EspSadCounters {
    const drops = { ...this.retiredDrops };
    const refusals = { ...this.retiredRefusals };
    const t = [...this.retiredTraffic];
    for (const sa of this.all()) {
      for (const r of Object.keys(sa.drops) as EspDropReason[]) drops[r] += sa.drops[r];
      for (const r of Object.keys(sa.refusals) as EspSealRefusal[]) refusals[r] += sa.refusals[r];
      const i = sa.direction === 'outbound' ? 0 : 2;
      t[i]! += sa.packets;
      t[i + 1]! += sa.bytes;
    }
    return {
      outboundPackets: t[0]!,
      outboundBytes: t[1]!,
      inboundPackets: t[2]!,
      inboundBytes: t[3]!,
      drops,
      refusals,
      eventsLost: this.eventsLost,
    };
  }
}

function readSpi(b: Uint8Array): number {
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

/** Whether `p` falls inside the SA's selectors (an SA without selectors takes anything). */
export function saMatchesPacket(sa: EspSa, p: PacketSelector, outbound: boolean): boolean {
  const sel = sa.params.selectors;
  return sel === undefined || packetMatchesSelectors(sel, p, outbound);
}
