/**
 * A Child SA as exchange responder: in the last IKE_AUTH response (SAr2, TSi, TSr, RFC 7296 §1.2) or answering
 * CREATE_CHILD_SA (§1.3.1, rekey §1.3.3). The endpoint's ChildPolicy narrows the selectors and picks the mode; on
 * the HA it admits only selectors inside the prefix this IKE SA was given (RFC 4877 §7.3, TS 24.303 §5.1.3.1).
 */

import { dhGroup } from '../../crypto/dh.ts';
import type { DhKeyPair } from '../../crypto/dh-types.ts';
import { ExchangeType, NotifyType, ProtocolId } from '../../wire/ike/constants.ts';
import type { IkePayload, KePayload } from '../../wire/ike/payload.ts';
import type { Proposal } from '../../wire/ike/sa.ts';
import type { TrafficSelector } from '../../wire/ike/traffic-selector.ts';
import type { ChildSa } from '../child-sa.ts';
import type { IkeSa } from '../ike-sa.ts';
import { deriveChildKeys } from '../keys.ts';
import { findNotify, findPayload, notify, spiBytes, spiToNumber } from '../payloads.ts';
import { selectEspProposal } from '../proposal.ts';
import { isErrorNotify } from '../rules.ts';
import type { InboundMessage, PassiveTask } from '../task.ts';
import { pfsShared } from './child-common.ts';
import { NONCE_LENGTH, validNonce } from './init-common.ts';

interface ChildOffer {
  readonly proposals: readonly Proposal[];
  readonly tsi: readonly TrafficSelector[];
  readonly tsr: readonly TrafficSelector[];
  readonly transport: boolean;
  readonly ni: Uint8Array | undefined;
  readonly ke: KePayload | undefined;
  readonly rekeyOf: ChildSa | undefined;
}

export class ChildCreateResponder implements PassiveTask {
  readonly name = 'child-create';
  private offer: ChildOffer | undefined;
  private refusal: number | undefined;
  private seen = false;

  constructor(private readonly exchangeType: typeof ExchangeType.IKE_AUTH | typeof ExchangeType.CREATE_CHILD_SA) {}

  process(sa: IkeSa, msg: InboundMessage): void {
    if (this.seen) return; // IKE_AUTH: only the first request carries SA, TSi, TSr
    this.seen = true;
    const p = msg.payloads;
    const saPayload = findPayload(p, 'sa');
    const tsi = findPayload(p, 'tsi');
    const tsr = findPayload(p, 'tsr');
    if (!saPayload) return; // no Child SA asked for
    if (!tsi || !tsr) {
      this.refusal = NotifyType.INVALID_SYNTAX;
      return;
    }
    let rekeyOf: ChildSa | undefined;
    const rekey = findNotify(p, NotifyType.REKEY_SA);
    if (rekey && this.exchangeType === ExchangeType.CREATE_CHILD_SA) {
      // The notify names the SPI the peer receives on: our outbound SPI (RFC 7296 §1.3.3).
      rekeyOf =
        rekey.protocolId === ProtocolId.ESP && rekey.spi.length === 4
          ? sa.findChildByOutboundSpi(spiToNumber(rekey.spi))
          : undefined;
      if (!rekeyOf) this.refusal = NotifyType.CHILD_SA_NOT_FOUND;
      // Rekeying an SA we are closing: TEMPORARY_FAILURE; one we are rekeying too: answered (RFC 7296 §2.25.1).
      else if (rekeyOf.state === 'rekeyed' || rekeyOf.state === 'deleting') this.refusal = NotifyType.TEMPORARY_FAILURE;
    }
    // While our IKE SA rekey is under way no Child SA is created or rekeyed (RFC 7296 §2.25.2).
    if (sa.tasks.hasActive('ike-rekey')) this.refusal = NotifyType.TEMPORARY_FAILURE;
    this.offer = {
      proposals: saPayload.proposals,
      tsi: tsi.selectors,
      tsr: tsr.selectors,
      transport: findNotify(p, NotifyType.USE_TRANSPORT_MODE) !== undefined,
      ni: findPayload(p, 'nonce')?.data,
      ke: findPayload(p, 'ke'),
      rekeyOf,
    };
  }

  build(sa: IkeSa, out: IkePayload[]): 'done' | 'again' {
    if (this.exchangeType === ExchangeType.IKE_AUTH) {
      if (!sa.established) return sa.dead ? 'done' : 'again';
      // One error per response: a refused configuration already explains the missing Child SA.
      if (out.some((x) => x.kind === 'notify' && isErrorNotify(x.notifyType))) return 'done';
    }
    const offer = this.offer;
    if (!offer) return 'done';
    if (this.refusal !== undefined) return this.refuse(sa, out, this.refusal);
    const s = sa.services;
    const grant = s.childPolicy.grant(sa, { ...offer, exchangeType: this.exchangeType }, offer.rekeyOf);
    if (!grant.ok) return this.refuse(sa, out, grant.notifyType);
    const creating = this.exchangeType === ExchangeType.CREATE_CHILD_SA;
    if (creating && (!offer.ni || !validNonce(offer.ni))) return this.refuse(sa, out, NotifyType.INVALID_SYNTAX);
    const spiIn = s.allocateChildSpi();
    const selection = selectEspProposal(
      offer.proposals,
      s.childPolicy.espProposals,
      spiBytes(spiIn),
      creating ? offer.ke?.dhGroup : undefined,
    );
    if (!selection) {
      s.releaseChildSpi(spiIn);
      return this.refuse(sa, out, NotifyType.NO_PROPOSAL_CHOSEN);
    }
    let nonces = { ni: sa.ni!, nr: sa.nr! };
    let keyPair: DhKeyPair | undefined;
    let shared: Uint8Array | undefined;
    if (creating) {
      nonces = { ni: offer.ni!, nr: s.random(NONCE_LENGTH) };
      const group = selection.suite.dhGroup;
      if (group !== undefined && offer.ke) {
        keyPair = dhGroup(group).generate(s.random);
        shared = pfsShared(keyPair, group, offer.ke.data);
        if (!shared) {
          s.releaseChildSpi(spiIn);
          return this.refuse(sa, out, NotifyType.INVALID_SYNTAX);
        }
      }
    }
    if (grant.mode === 'transport') out.push(notify(NotifyType.USE_TRANSPORT_MODE));
    // We never want TFC padding (RFC 7296 §3.10.1, RFC 4303 §2.4): it only costs bytes on our links; the notify asks
    // the peer not to send it on this SA.
    out.push(notify(NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED));
    out.push({ kind: 'sa', proposals: [selection.reply] });
    if (creating) out.push({ kind: 'nonce', data: nonces.nr });
    if (keyPair) out.push({ kind: 'ke', dhGroup: selection.suite.dhGroup!, data: keyPair.publicKey });
    out.push({ kind: 'tsi', selectors: grant.tsi }, { kind: 'tsr', selectors: grant.tsr });
    sa.installChild({
      spiIn,
      spiOut: spiToNumber(selection.peerSpi),
      mode: grant.mode,
      suite: selection.suite,
      keys: deriveChildKeys(sa.suite!.prf, sa.keys!.skD, selection.suite, nonces, shared),
      exchangeInitiator: false,
      tsLocal: grant.tsr,
      tsRemote: grant.tsi,
      homeAddress: grant.homeAddress,
      rekeyOf: offer.rekeyOf?.spiIn,
    });
    const old = offer.rekeyOf;
    if (old?.state === 'rekeying') {
      // Both ends rekey at once: note the peer's SA; our own exchange's outcome decides (RFC 7296 §2.8.1).
      old.collision = { peerCreated: spiIn, nonces: [nonces.ni, nonces.nr] };
    } else if (old) {
      // The rekey initiator deletes the old SA (RFC 7296 §2.8); until then it stays installed but is not rekeyed.
      old.state = 'rekeyed';
      old.rekeyAt = Number.POSITIVE_INFINITY;
    }
    return 'done';
  }

  private refuse(sa: IkeSa, out: IkePayload[], notifyType: number): 'done' {
    out.push(notify(notifyType));
    sa.reportSentError(notifyType, this.exchangeType);
    return 'done';
  }
}
