/**
 * The UE's BU/BA pipeline, the mirror of ha-signalling.ts (RFC 4877 §4.3; RFC 5555 §5.2.1; TS 24.303 §5.1.2.4):
 *   out: `MobileNodeCore`'s BU → MH bytes → ESP seal on the UE's outbound SA (HoA → HA) → HAO / UDP 4191 framing
 *   in:  a BA as received (IPv6 + RH2 + ESP, IPv4 + protocol 41 or UDP + IPv6 + ESP) → ESP open (SPI, replay, ICV,
 *        selectors: the RH2's address must be our HoA) → MH decode → `MobileNodeCore.handleBindingAck`.
 * A BU for which no SA exists yet is counted and not sent; the core's back-off sends it again (RFC 6275 §11.8).
 */
import type { EspSad } from '../../ipsec/sad.ts';
import type { MobileNodeCore } from '../../mip/mobile-node.ts';
import type { MobilitySaRegistry } from './sa-registry.ts';
import { drop, type OpenedMobility, type SignallingOutcome } from './signalling-open.ts';
import { SignallingPipeline } from './signalling-pipeline.ts';

export interface UeSignallingDeps {
  readonly core: MobileNodeCore;
  readonly sad: EspSad;
  /** `MobilitySaRegistry.forMobileNode`. */
  readonly registry: MobilitySaRegistry;
}

const ACCEPTED: SignallingOutcome = { kind: 'accepted' };

export class UeSignalling extends SignallingPipeline {
  readonly core: MobileNodeCore;

  constructor(deps: UeSignallingDeps) {
    if (deps.registry.role !== 'mobile-node') throw new RangeError('the UE pipeline needs a mobile-node SA registry');
    super(deps.sad, deps.registry, deps.core);
    this.core = deps.core;
  }

  protected deliver(now: number, opened: OpenedMobility): SignallingOutcome {
    if (opened.message.kind !== 'binding-acknowledgement') return drop(this.counters, 'unexpected-mh-type');
    this.counters.accepted++;
    // Authenticated by the SA shared with this HA (RFC 6275 §11.7.3); the core checks the sequence and the source.
    this.core.handleBindingAck(now, opened.message, { protectedByEsp: true, source: opened.source });
    return ACCEPTED;
  }
}
