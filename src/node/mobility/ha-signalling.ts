/**
 * The Home Agent's BU/BA pipeline (RFC 4877 §4.3; RFC 5555 §5.1, §5.2.1; TS 24.303 §5.1.3.2), sans-I/O:
 *   in:  raw bytes as received → ESP open (SAD: SPI, replay, ICV, selectors) → the SA's IKE identity owns the HoA
 *        → MH decode with its checksum → `BindingUpdateContext` (the outer IPv4 source and UDP port kept for NAT
 *        detection, RFC 5555 §5.1) → `HomeAgentCore`
 *   out: the core's `SendMh` → MH bytes → ESP seal on the outbound SA for that HoA → RH2 / protocol 41 / UDP 4191
 *        framing as the core chose (signalling-pipeline.ts).
 * A BU outside ESP, or in ESP from an SA whose identity does not own the HoA, is dropped and counted and gets no
 * BA: nothing answers a prober (RFC 6275 §10.3.1 silently discards; RFC 4877 §4.3).
 */
import type { EspSad } from '../../ipsec/sad.ts';
import type { HomeAgentCore } from '../../mip/home-agent.ts';
import type { BindingUpdateContext } from '../../mip/types.ts';
import type { MobilitySaRegistry } from './sa-registry.ts';
import { drop, type OpenedMobility, type SignallingOutcome } from './signalling-open.ts';
import { SignallingPipeline } from './signalling-pipeline.ts';

export interface HaSignallingDeps {
  readonly core: HomeAgentCore;
  readonly sad: EspSad;
  /** `MobilitySaRegistry.forHomeAgent`: the BU/BA SAs with their IKE identities' prefixes. */
  readonly registry: MobilitySaRegistry;
}

const ACCEPTED: SignallingOutcome = { kind: 'accepted' };

export class HaSignalling extends SignallingPipeline {
  readonly core: HomeAgentCore;

  constructor(deps: HaSignallingDeps) {
    if (deps.registry.role !== 'home-agent') throw new RangeError('the HA pipeline needs a home-agent SA registry');
    super(deps.sad, deps.registry, deps.core);
    this.core = deps.core;
  }

  protected deliver(now: number, opened: OpenedMobility): SignallingOutcome {
    if (opened.message.kind !== 'binding-update') return drop(this.counters, 'unexpected-mh-type');
    const entry = opened.entry;
    const ctx: BindingUpdateContext = {
      ikeSaId: entry.ikeSaKey,
      authorizedHomePrefix: entry.authorizedHomePrefix,
      authorizedIpv4HomeAddress: entry.authorizedIpv4HomeAddress,
      protectedByEsp: true, // an SA with integrity verified it: CBC alone is never installed (RFC 4877 §4.3)
      homeAddress: opened.source, // RFC 6275 §9.5.1: the HAO's address, else the IPv6 source
      homeAgentAddress: opened.destination,
      outer: opened.outer,
    };
    this.counters.accepted++;
    this.core.handleBindingUpdate(now, opened.message, ctx);
    return ACCEPTED;
  }
}
