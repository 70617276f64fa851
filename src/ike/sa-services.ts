/**
 * What an IKE SA needs from the endpoint that owns it: time, randomness, configuration, the outbound queues, SPI
 * allocation and the role-specific policies (which passive tasks answer a request, how selectors are narrowed).
 * Both `IkeInitiator` (UE) and `IkeResponder` (HA) provide one.
 */
import type { RandomSource } from '../crypto/dh-types.ts';
import type { Ipv6Address } from '../util/ip-address.ts';
import type { TrafficSelector } from '../wire/ike/traffic-selector.ts';
import type { ChildMode, ChildSa } from './child-sa.ts';
import type { EspProposalConfig, IkeProposalConfig, TimingConfig } from './config.ts';
import type { IkeCounters, IkeEvent, IkePath } from './events.ts';
import type { IkeSa } from './ike-sa.ts';
import type { InboundMessage, PassiveTask } from './task.ts';

/** The selectors and mode a responder grants for a Child SA request, or the error notify that refuses it. */
export type ChildGrant =
  | {
      readonly ok: true;
      readonly tsi: readonly TrafficSelector[];
      readonly tsr: readonly TrafficSelector[];
      readonly mode: ChildMode;
      /** The UE's Home Address this Child SA is keyed to (RFC 4877 §7.3), for the MIP core's checks. */
      readonly homeAddress: Ipv6Address | undefined;
    }
  | { readonly ok: false; readonly notifyType: number; readonly reason: string };

export interface ChildPolicy {
  readonly espProposals: readonly EspProposalConfig[];
  /**
   * Decides a Child SA request as exchange responder: narrow TSi/TSr (RFC 7296 §2.9), choose the mode
   * (USE_TRANSPORT_MODE is a request the responder may decline, §1.3.1). `rekeyOf` is set for a rekey.
   */
  grant(
    sa: IkeSa,
    request: {
      tsi: readonly TrafficSelector[];
      tsr: readonly TrafficSelector[];
      transport: boolean;
      /** IKE_AUTH or CREATE_CHILD_SA: the exchange the request came in (the data SA policy depends on it). */
      exchangeType: number;
    },
    rekeyOf: ChildSa | undefined,
  ): ChildGrant;
}

export interface SaServices {
  /** The time of the call being served (ms); set by the endpoint at every entry point. */
  readonly now: number;
  readonly random: RandomSource;
  readonly timing: TimingConfig;
  readonly counters: IkeCounters;
  readonly ikeProposals: readonly IkeProposalConfig[];
  readonly childPolicy: ChildPolicy;
  /** Local port that carries IKE with the non-ESP marker (RFC 3948), and the peer's. */
  readonly natTPorts: { readonly local: number; readonly remote: number };
  /** Emit a `message-payloads` event for every protected message sealed or opened. */
  readonly messageTrace: boolean;
  emit(e: IkeEvent): void;
  send(bytes: Uint8Array, path: IkePath): void;
  /** A fresh inbound ESP SPI, unique on this endpoint and outside 1–255 (RFC 4303 §2.1). */
  allocateChildSpi(): number;
  releaseChildSpi(spi: number): void;
  /** A fresh, non-zero IKE SPI unique on this endpoint (RFC 7296 §2.6). */
  allocateIkeSpi(): Uint8Array;
  /** The passive tasks that answer `msg`, or undefined when this SA cannot serve it (dropped). */
  passiveTasks(sa: IkeSa, msg: InboundMessage): PassiveTask[] | undefined;
  /** A rekey produced `next`, which takes over `old`'s SAs and session (RFC 7296 §2.18). */
  ikeSaReplaced(old: IkeSa, next: IkeSa): void;
  ikeSaDestroyed(sa: IkeSa): void;
  /** The SA's deadline may have moved. */
  reschedule(sa: IkeSa): void;
}
