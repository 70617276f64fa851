/**
 * A Child SA as exchange initiator: piggybacked on IKE_AUTH (SAi2, TSi, TSr, RFC 7296 §1.2) or its own
 * CREATE_CHILD_SA (RFC 7296 §1.3.1): HDR, SK { [N(REKEY_SA)], SA, Ni, [KEi], TSi, TSr, [N(USE_TRANSPORT_MODE)] }.
 * For DSMIPv6 this is the BU/BA SA: TSi = HoA, TSr = HA, protocol 135 (RFC 4877 §7.3, TS 24.303 §5.1.2.2).
 */

import { dhGroup } from '../../crypto/dh.ts';
import type { DhKeyPair } from '../../crypto/dh-types.ts';
import type { Ipv6Address } from '../../util/ip-address.ts';
import { ExchangeType, NotifyType, ProtocolId } from '../../wire/ike/constants.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import type { Proposal } from '../../wire/ike/sa.ts';
import type { TrafficSelector } from '../../wire/ike/traffic-selector.ts';
import { type ChildMode, type ChildSa, lowestNonce } from '../child-sa.ts';
import { IkeLocalFailure } from '../errors.ts';
import type { IkeSa } from '../ike-sa.ts';
import { deriveChildKeys } from '../keys.ts';
import { findNotify, findPayload, firstErrorNotify, notify, spiBytes, spiToNumber } from '../payloads.ts';
import { buildEspProposals } from '../proposal.ts';
import { acceptEspReply } from '../proposal-reply.ts';
import type { ActiveTask, InboundMessage, TaskStatus } from '../task.ts';
import { selectorContains } from '../traffic-selectors.ts';
import { CHILD_ERRORS, emitChildFailure, pfsShared } from './child-common.ts';
import { ChildDeleteInitiator } from './informational-initiator.ts';
import { NONCE_LENGTH, validNonce } from './init-common.ts';

export interface ChildRequest {
  readonly tsi: readonly TrafficSelector[];
  readonly tsr: readonly TrafficSelector[];
  readonly mode: ChildMode;
  /** Refuse the result when the responder declines transport mode (RFC 4877 §4: BU/BA need transport mode). */
  readonly requireMode: boolean;
  /** The Home Address the SA is keyed to, reported with the Child SA (RFC 4877 §7.3). */
  readonly homeAddress: Ipv6Address | undefined;
}

export class ChildCreateInitiator implements ActiveTask {
  readonly name: string;
  private spiIn: number | undefined;
  private proposals: Proposal[] | undefined;
  private ni: Uint8Array | undefined;
  private keyPair: DhKeyPair | undefined;
  private pfsGroup: number | undefined;
  private sent = false;

  constructor(
    readonly exchangeType: typeof ExchangeType.IKE_AUTH | typeof ExchangeType.CREATE_CHILD_SA,
    private readonly request: ChildRequest,
    private readonly rekeyOf?: ChildSa,
  ) {
    this.name = rekeyOf ? 'child-rekey' : 'child-create';
  }

  build(sa: IkeSa, out: IkePayload[]): void {
    if (this.sent) return; // IKE_AUTH: SA, TSi, TSr go in the first request only (RFC 4739 §2.2)
    this.sent = true;
    const s = sa.services;
    this.spiIn ??= s.allocateChildSpi();
    const configs = s.childPolicy.espProposals;
    this.proposals = buildEspProposals(configs, spiBytes(this.spiIn));
    if (this.rekeyOf) {
      // The SA being rekeyed, named by the SPI we receive on (RFC 7296 §1.3.3).
      out.push(notify(NotifyType.REKEY_SA, new Uint8Array(0), ProtocolId.ESP, spiBytes(this.rekeyOf.spiIn)));
    }
    if (this.request.mode === 'transport') out.push(notify(NotifyType.USE_TRANSPORT_MODE));
    out.push({ kind: 'sa', proposals: this.proposals });
    if (this.exchangeType === ExchangeType.CREATE_CHILD_SA) {
      this.ni = s.random(NONCE_LENGTH);
      out.push({ kind: 'nonce', data: this.ni });
      this.pfsGroup ??= configs[0]?.dh[0];
      if (this.pfsGroup !== undefined) {
        this.keyPair = dhGroup(this.pfsGroup).generate(s.random);
        out.push({ kind: 'ke', dhGroup: this.pfsGroup, data: this.keyPair.publicKey });
      }
    }
    out.push({ kind: 'tsi', selectors: this.request.tsi }, { kind: 'tsr', selectors: this.request.tsr });
    if (this.rekeyOf) this.rekeyOf.state = 'rekeying';
  }

  process(sa: IkeSa, msg: InboundMessage): TaskStatus {
    if (this.exchangeType === ExchangeType.IKE_AUTH && !sa.established) return 'again';
    const p = msg.payloads;
    const error = firstErrorNotify(p);
    const saPayload = findPayload(p, 'sa');
    if (error && CHILD_ERRORS.has(error.notifyType)) {
      sa.services.emit({
        kind: 'error-notify',
        ikeSaId: sa.id,
        notifyType: error.notifyType,
        exchangeType: this.exchangeType,
        direction: 'received',
        unauthenticated: false,
      });
      return this.refused(sa, `notify-${error.notifyType}`, error.notifyType);
    }
    if (!saPayload) return this.refused(sa, 'no-child-sa');
    let accepted: ReturnType<typeof acceptEspReply>;
    try {
      accepted = acceptEspReply(this.proposals ?? [], saPayload.proposals);
    } catch (e) {
      if (e instanceof IkeLocalFailure) return this.refused(sa, e.reason);
      throw e;
    }
    const spiOut = spiToNumber(accepted.spi);
    const tsi = findPayload(p, 'tsi')?.selectors ?? [];
    const tsr = findPayload(p, 'tsr')?.selectors ?? [];
    // The responder may only narrow what we proposed (RFC 7296 §2.9).
    const narrowed = (got: readonly TrafficSelector[], mine: readonly TrafficSelector[]) =>
      got.length > 0 && got.every((g) => mine.some((m) => selectorContains(m, g)));
    if (!narrowed(tsi, this.request.tsi) || !narrowed(tsr, this.request.tsr))
      return this.refused(sa, 'bad-selectors', undefined, spiOut);
    const transport = this.request.mode === 'transport' && findNotify(p, NotifyType.USE_TRANSPORT_MODE) !== undefined;
    const mode: ChildMode = transport ? 'transport' : 'tunnel';
    if (this.request.requireMode && mode !== this.request.mode)
      return this.refused(sa, 'transport-mode-declined', undefined, spiOut);
    let nonces = { ni: sa.ni!, nr: sa.nr! };
    let shared: Uint8Array | undefined;
    if (this.exchangeType === ExchangeType.CREATE_CHILD_SA) {
      const nr = findPayload(p, 'nonce')?.data;
      if (!nr || !validNonce(nr) || !this.ni) return this.refused(sa, 'bad-nonce', undefined, spiOut);
      nonces = { ni: this.ni, nr };
      if (accepted.suite.dhGroup !== undefined) {
        const ke = findPayload(p, 'ke');
        if (!this.keyPair || !ke || ke.dhGroup !== accepted.suite.dhGroup)
          return this.refused(sa, 'bad-ke', undefined, spiOut);
        shared = pfsShared(this.keyPair, ke.dhGroup, ke.data);
        if (!shared) return this.refused(sa, 'invalid-ke', undefined, spiOut);
      }
    }
    const keys = deriveChildKeys(sa.suite!.prf, sa.keys!.skD, accepted.suite, nonces, shared);
    const spiIn = this.spiIn!;
    this.spiIn = undefined;
    sa.installChild({
      spiIn,
      spiOut,
      mode,
      suite: accepted.suite,
      keys,
      exchangeInitiator: true,
      tsLocal: tsi,
      tsRemote: tsr,
      homeAddress: this.request.homeAddress,
      rekeyOf: this.rekeyOf?.spiIn,
    });
    const old = this.rekeyOf;
    if (old && sa.children.has(old.spiIn)) {
      old.state = 'rekeyed';
      const collision = old.collision;
      if (!collision) {
        // The initiator of a rekey deletes the old SA (RFC 7296 §2.8).
        sa.tasks.queue(new ChildDeleteInitiator([old.spiIn], 'rekeyed'));
      } else if (lowestNonce([nonces.ni, nonces.nr, ...collision.nonces]) === lowestNonce([nonces.ni, nonces.nr])) {
        // Simultaneous rekey and ours holds the lowest nonce: our new SA is redundant and we close it; the peer,
        // initiator of the surviving one, deletes the old SA (RFC 7296 §2.8.1).
        sa.tasks.queue(new ChildDeleteInitiator([spiIn], 'redundant-rekey'));
      } else {
        sa.tasks.queue(new ChildDeleteInitiator([old.spiIn], 'rekeyed'));
      }
    }
    return 'done';
  }

  /**
   * The Child SA did not come about. The IKE SA stays (RFC 7296 §2.21.2). If the responder installed its half
   * (`spiOut` known), we tell it to delete it, naming the SPI we would have received on.
   */
  private refused(sa: IkeSa, reason: string, notifyType?: number, spiOut?: number): TaskStatus {
    // After a simultaneous rekey the peer may have deleted the old SA already: not a failure (RFC 7296 §2.8.1).
    const superseded =
      notifyType === NotifyType.CHILD_SA_NOT_FOUND &&
      this.rekeyOf &&
      (this.rekeyOf.collision || !sa.children.has(this.rekeyOf.spiIn));
    if (!superseded) emitChildFailure(sa, reason, notifyType);
    if (this.rekeyOf?.state === 'rekeying') this.rekeyOf.state = 'installed';
    if (notifyType === NotifyType.TEMPORARY_FAILURE && this.rekeyOf) {
      this.rekeyOf.rekeyAt = sa.services.now + 1000 + sa.jitter(); // try again a little later (RFC 7296 §2.25)
    }
    const spiIn = this.spiIn;
    this.spiIn = undefined;
    if (spiIn !== undefined) {
      if (spiOut !== undefined) sa.tasks.queue(new ChildDeleteInitiator([spiIn], 'refused', true));
      else sa.services.releaseChildSpi(spiIn);
    }
    return 'done';
  }

  abort(sa: IkeSa): void {
    if (this.spiIn !== undefined) sa.services.releaseChildSpi(this.spiIn);
    this.spiIn = undefined;
    if (this.rekeyOf?.state === 'rekeying') this.rekeyOf.state = 'installed';
  }
}
