/**
 * Answering INFORMATIONAL requests (RFC 7296 §1.4): Delete payloads for Child SAs (answered with the SPIs of the
 * paired SAs, §1.4.1) and for the IKE SA, error notifications, and empty liveness checks (§2.4).
 */
import { ExchangeType, NotifyType, ProtocolId, SpiSize } from '../../wire/ike/constants.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import type { IkeSa } from '../ike-sa.ts';
import { spiBytes, spiToNumber } from '../payloads.ts';
import { isErrorNotify } from '../rules.ts';
import type { InboundMessage, PassiveTask } from '../task.ts';

/** Received in INFORMATIONAL, these end the IKE SA (RFC 7296 §2.21.2, §2.21.3). */
const FATAL: ReadonlySet<number> = new Set([NotifyType.AUTHENTICATION_FAILED, NotifyType.INVALID_SYNTAX]);

export class InformationalResponder implements PassiveTask {
  readonly name = 'informational';
  private deleteIke = false;
  private fatal: number | undefined;
  private readonly ours: number[] = [];

  process(sa: IkeSa, msg: InboundMessage): void {
    for (const p of msg.payloads) {
      if (p.kind === 'delete') {
        if (p.protocolId === ProtocolId.IKE) this.deleteIke = true;
        else if (p.protocolId === ProtocolId.ESP) this.deleteChildren(sa, p.spis);
      } else if (p.kind === 'notify' && isErrorNotify(p.notifyType)) {
        sa.services.emit({
          kind: 'error-notify',
          ikeSaId: sa.id,
          notifyType: p.notifyType,
          exchangeType: ExchangeType.INFORMATIONAL,
          direction: 'received',
          unauthenticated: false,
        });
        if (FATAL.has(p.notifyType)) this.fatal ??= p.notifyType;
      }
    }
  }

  /** The peer's SPIs are our outbound ones; we answer with our inbound halves unless we are deleting them too. */
  private deleteChildren(sa: IkeSa, spis: readonly Uint8Array[]): void {
    for (const spi of spis) {
      if (spi.length !== SpiSize.ESP) continue;
      const c = sa.findChildByOutboundSpi(spiToNumber(spi));
      if (!c) continue;
      if (c.state !== 'deleting') this.ours.push(c.spiIn);
      sa.removeChild(c.spiIn, 'deleted-by-peer');
    }
  }

  build(sa: IkeSa, out: IkePayload[]): 'done' {
    if (this.fatal !== undefined) {
      if (this.fatal === NotifyType.AUTHENTICATION_FAILED)
        sa.services.emit({ kind: 'auth-failed', ikeSaId: sa.id, reason: 'rejected-by-peer' });
      sa.markTeardown(sa.established ? 'deleted' : 'failed', `notify-${this.fatal}`, this.fatal);
    } else if (this.deleteIke) {
      sa.markTeardown('deleted', 'deleted-by-peer'); // answered with an empty INFORMATIONAL (RFC 7296 §1.4.1)
    } else if (this.ours.length > 0) {
      out.push({ kind: 'delete', protocolId: ProtocolId.ESP, spiSize: SpiSize.ESP, spis: this.ours.map(spiBytes) });
    }
    return 'done';
  }
}
