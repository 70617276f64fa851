/**
 * INFORMATIONAL exchanges we start (RFC 7296 §1.4): deleting Child SAs and the IKE SA, and the empty request that
 * checks liveness (§2.4).
 */
import { ExchangeType, ProtocolId, SpiSize } from '../../wire/ike/constants.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import type { IkeSa } from '../ike-sa.ts';
import { findPayloads, spiBytes, spiToNumber } from '../payloads.ts';
import type { ActiveTask, InboundMessage, TaskStatus } from '../task.ts';

/** HDR, SK { D(IKE) } --> ; <-- HDR, SK { }: the IKE SA and all its Child SAs are gone (RFC 7296 §1.4.1). */
export class IkeDeleteInitiator implements ActiveTask {
  readonly exchangeType = ExchangeType.INFORMATIONAL;
  readonly name = 'ike-delete';

  constructor(private readonly reason: string) {}

  build(_sa: IkeSa, out: IkePayload[]): void {
    out.push({ kind: 'delete', protocolId: ProtocolId.IKE, spiSize: 0, spis: [] });
  }

  process(sa: IkeSa, _msg: InboundMessage): TaskStatus {
    sa.teardown('deleted', this.reason);
    return 'done';
  }

  /** No answer: the SA goes anyway, as we meant it to (the peer may have deleted it already). */
  abort(sa: IkeSa): void {
    sa.teardown('deleted', this.reason);
  }
}

/**
 * HDR, SK { D(ESP, our inbound SPIs) } --> ; <-- HDR, SK { D(ESP, theirs) } (RFC 7296 §1.4.1). The SAs stop being
 * used at once; `uninstalled` SPIs were never handed to the node (a refused Child SA) and are only released.
 */
export class ChildDeleteInitiator implements ActiveTask {
  readonly exchangeType = ExchangeType.INFORMATIONAL;
  readonly name = 'child-delete';

  constructor(
    private readonly spis: readonly number[],
    private readonly reason: string,
    private readonly uninstalled = false,
  ) {}

  build(sa: IkeSa, out: IkePayload[]): void {
    for (const spi of this.spis) {
      const c = sa.children.get(spi);
      if (c) c.state = 'deleting';
    }
    out.push({ kind: 'delete', protocolId: ProtocolId.ESP, spiSize: SpiSize.ESP, spis: this.spis.map(spiBytes) });
  }

  process(sa: IkeSa, msg: InboundMessage): TaskStatus {
    // The response names the peer's halves; ours go whatever it says (they may already be gone there).
    for (const d of findPayloads(msg.payloads, 'delete')) {
      if (d.protocolId !== ProtocolId.ESP) continue;
      for (const spi of d.spis) {
        const c = sa.findChildByOutboundSpi(spiToNumber(spi));
        if (c && !this.spis.includes(c.spiIn)) sa.removeChild(c.spiIn, 'deleted-by-peer');
      }
    }
    this.finish(sa);
    return 'done';
  }

  abort(sa: IkeSa): void {
    this.finish(sa);
  }

  private finish(sa: IkeSa): void {
    for (const spi of this.spis) {
      if (this.uninstalled) sa.services.releaseChildSpi(spi);
      else sa.removeChild(spi, this.reason);
    }
  }
}

/** HDR, SK { } --> ; <-- HDR, SK { }: the peer is alive (RFC 7296 §2.4); silence ends in retransmission failure. */
export class LivenessCheck implements ActiveTask {
  readonly exchangeType = ExchangeType.INFORMATIONAL;
  readonly name = 'liveness';

  build(_sa: IkeSa, _out: IkePayload[]): void {}

  process(_sa: IkeSa, _msg: InboundMessage): TaskStatus {
    return 'done';
  }
}
