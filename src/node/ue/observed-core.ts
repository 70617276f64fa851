/**
 * The mobile node core with a window for the node: every BU it hands out (before the pipeline seals it in ESP) and
 * every BA it is handed (after ESP), so the message trace can show them in the clear.
 */
import type { MobileNodeConfig } from '../../mip/mn-config.ts';
import { MobileNodeCore } from '../../mip/mobile-node.ts';
import type { BindingAckContext, SendMh } from '../../mip/types.ts';
import type { BindingAcknowledgement } from '../../wire/mh/messages.ts';

export interface MobileNodeCoreObserver {
  onSend(send: SendMh): void;
  onBindingAck(ba: BindingAcknowledgement, ctx: BindingAckContext): void;
}

export class ObservedMobileNodeCore extends MobileNodeCore {
  constructor(
    config: MobileNodeConfig,
    private readonly observer: MobileNodeCoreObserver,
  ) {
    super(config);
  }

  override pollTransmit(): SendMh | undefined {
    const t = super.pollTransmit();
    if (t !== undefined) this.observer.onSend(t);
    return t;
  }

  override handleBindingAck(now: number, ba: BindingAcknowledgement, ctx: BindingAckContext): void {
    this.observer.onBindingAck(ba, ctx);
    super.handleBindingAck(now, ba, ctx);
  }
}
