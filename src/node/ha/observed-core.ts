/**
 * The HA core with a window for the node: every Binding Update it is handed (with the context the ESP SA and the
 * outer headers gave it, and whether it was dropped without a reply) and every BA it hands out, before the pipeline
 * seals it. The message trace shows BU/BA in the clear this way, and the metrics count them by status.
 */
import { HomeAgentCore } from '../../mip/home-agent.ts';
import type { Ipv4Range } from '../../mip/ipv4-pool.ts';
import type { HomeAgentPolicy } from '../../mip/policy.ts';
import type { BindingUpdateContext, SendMh } from '../../mip/types.ts';
import type { BindingUpdate } from '../../wire/mh/messages.ts';

export interface HomeAgentCoreObserver {
  /** `dropped`: no BA will be sent (RFC 6275 §10.3.1 silent discards; the reason is in the core's counters). */
  onBindingUpdate(bu: BindingUpdate, ctx: BindingUpdateContext, dropped: boolean): void;
  onSend(send: SendMh): void;
}

function total(counts: Readonly<Record<string, number>>): number {
  let n = 0;
  for (const v of Object.values(counts)) n += v;
  return n;
}

export class ObservedHomeAgentCore extends HomeAgentCore {
  constructor(
    policy: HomeAgentPolicy,
    ipv4Pool: readonly Ipv4Range[],
    private readonly observer: HomeAgentCoreObserver,
  ) {
    super(policy, ipv4Pool);
  }

  override handleBindingUpdate(now: number, bu: BindingUpdate, ctx: BindingUpdateContext): void {
    const droppedBefore = total(this.counters.dropped);
    super.handleBindingUpdate(now, bu, ctx);
    this.observer.onBindingUpdate(bu, ctx, total(this.counters.dropped) !== droppedBefore);
  }

  override pollTransmit(): SendMh | undefined {
    const t = super.pollTransmit();
    if (t !== undefined) this.observer.onSend(t);
    return t;
  }
}
