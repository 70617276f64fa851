/**
 * Rekeying the IKE SA with CREATE_CHILD_SA (RFC 7296 §1.3.2, §2.18): HDR, SK { SA, Ni, KEi } --> ;
 * <-- HDR, SK { SA, Nr, KEr }. The new SA takes over the Child SAs and the session; the rekey initiator becomes its
 * original initiator and deletes the old SA. A refused rekey leaves the old SA running until its hard lifetime.
 */

import { dhGroup } from '../../crypto/dh.ts';
import type { DhKeyPair } from '../../crypto/dh-types.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import { ExchangeType, NotifyType } from '../../wire/ike/constants.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import type { Proposal } from '../../wire/ike/sa.ts';
import { IkeLocalFailure } from '../errors.ts';
import { IkeSa } from '../ike-sa.ts';
import { deriveRekeyedIkeKeys } from '../keys.ts';
import { findPayload, firstErrorNotify, notify, readU16, u16Bytes } from '../payloads.ts';
import {
  buildIkeProposals,
  type IkeSelection,
  type IkeSuite,
  ikeReplyProposal,
  ikeSuiteOf,
  offeredDhGroups,
  selectIkeProposal,
} from '../proposal.ts';
import { acceptIkeReply } from '../proposal-reply.ts';
import { IkeProtection } from '../protection.ts';
import type { ActiveTask, InboundMessage, PassiveTask, TaskStatus } from '../task.ts';
import { IkeDeleteInitiator } from './informational-initiator.ts';
import { keyLogEvent, NONCE_LENGTH, validNonce } from './init-common.ts';

const MAX_KE_RETRIES = 2;

/** Builds the successor SA and hands everything over to it. */
function replaceIkeSa(
  old: IkeSa,
  rekeyInitiator: boolean,
  spis: { spiI: Uint8Array; spiR: Uint8Array },
  suite: IkeSuite,
  shared: Uint8Array,
  nonces: { ni: Uint8Array; nr: Uint8Array },
): IkeSa {
  const s = old.services;
  const next = new IkeSa(old.id, s, rekeyInitiator, spis.spiI, spis.spiR, old.path);
  next.suite = suite;
  next.keys = deriveRekeyedIkeKeys(old.suite!.prf, old.keys!.skD, suite, shared, nonces, spis);
  next.protection = new IkeProtection(suite, next.keys, rekeyInitiator, s.random);
  next.ni = nonces.ni;
  next.nr = nonces.nr;
  next.natLocal = old.natLocal;
  next.natRemote = old.natRemote;
  next.peerMultipleAuth = old.peerMultipleAuth;
  next.peerSignatureHashes = old.peerSignatureHashes;
  next.session = old.session;
  for (const [spi, c] of old.children) next.children.set(spi, c);
  old.children.clear();
  next.establish();
  old.state = 'rekeyed';
  old.ikeRekeyAt = Number.POSITIVE_INFINITY;
  s.ikeSaReplaced(old, next);
  s.emit(keyLogEvent(next));
  s.emit({ kind: 'ike-sa-rekeyed', ikeSaId: next.id, spiI: next.spiI, spiR: next.spiR });
  return next;
}

function sharedSecret(keyPair: DhKeyPair, group: number, data: Uint8Array): Uint8Array | undefined {
  try {
    return dhGroup(group).computeShared(keyPair.privateKey, data);
  } catch (e) {
    if (isCryptoError(e)) return undefined;
    throw e;
  }
}

export class IkeRekeyInitiator implements ActiveTask {
  readonly exchangeType = ExchangeType.CREATE_CHILD_SA;
  readonly name = 'ike-rekey';
  private spi: Uint8Array | undefined;
  private proposals: Proposal[] = [];
  private group: number | undefined;
  private keyPair: DhKeyPair | undefined;
  private ni: Uint8Array | undefined;
  private keRetries = 0;

  build(sa: IkeSa, out: IkePayload[]): void {
    const s = sa.services;
    this.spi ??= s.allocateIkeSpi();
    this.proposals = buildIkeProposals(s.ikeProposals, this.spi);
    const offered = offeredDhGroups(s.ikeProposals);
    this.group ??= offered.includes(sa.suite!.dhGroup) ? sa.suite!.dhGroup : offered[0];
    if (this.group === undefined) throw new IkeLocalFailure('no-proposal', 'no DH group configured');
    this.keyPair = dhGroup(this.group).generate(s.random); // a new DH exchange is mandatory (RFC 7296 §2.18)
    this.ni = s.random(NONCE_LENGTH);
    out.push({ kind: 'sa', proposals: this.proposals }, { kind: 'nonce', data: this.ni });
    out.push({ kind: 'ke', dhGroup: this.group, data: this.keyPair.publicKey });
  }

  process(sa: IkeSa, msg: InboundMessage): TaskStatus {
    const p = msg.payloads;
    const error = firstErrorNotify(p);
    if (error) {
      sa.services.emit({
        kind: 'error-notify',
        ikeSaId: sa.id,
        notifyType: error.notifyType,
        exchangeType: this.exchangeType,
        direction: 'received',
        unauthenticated: false,
      });
      const wanted = readU16(error.data);
      if (
        error.notifyType === NotifyType.INVALID_KE_PAYLOAD &&
        wanted !== undefined &&
        this.keRetries++ < MAX_KE_RETRIES &&
        offeredDhGroups(sa.services.ikeProposals).includes(wanted)
      ) {
        this.group = wanted;
        return 'again';
      }
      return this.giveUp(sa, error.notifyType === NotifyType.TEMPORARY_FAILURE);
    }
    const saPayload = findPayload(p, 'sa');
    const ke = findPayload(p, 'ke');
    const nr = findPayload(p, 'nonce')?.data;
    let accepted: { suite: IkeSuite; spi: Uint8Array };
    try {
      accepted = acceptIkeReply(this.proposals, saPayload?.proposals ?? []);
    } catch {
      return this.giveUp(sa, false);
    }
    if (
      !ke ||
      !nr ||
      !validNonce(nr) ||
      accepted.spi.length !== 8 ||
      ke.dhGroup !== this.group ||
      accepted.suite.dhGroup !== this.group
    ) {
      return this.giveUp(sa, false);
    }
    const shared = sharedSecret(this.keyPair!, ke.dhGroup, ke.data);
    if (!shared) return this.giveUp(sa, false);
    replaceIkeSa(sa, true, { spiI: this.spi!, spiR: accepted.spi }, accepted.suite, shared, { ni: this.ni!, nr });
    this.spi = undefined;
    sa.tasks.queue(new IkeDeleteInitiator('rekeyed')); // silent: the session lives on
    return 'done';
  }

  /** Keep the old SA; retry soon after a collision (RFC 7296 §2.25), else leave it to the hard lifetime. */
  private giveUp(sa: IkeSa, temporary: boolean): TaskStatus {
    sa.ikeRekeyAt = temporary ? sa.services.now + 1000 + sa.jitter() : Number.POSITIVE_INFINITY;
    return 'done';
  }
}

export class IkeRekeyResponder implements PassiveTask {
  readonly name = 'ike-rekey';
  private refusal: { notifyType: number; data: Uint8Array } | undefined;
  private selection: IkeSelection | undefined;
  private ke: { dhGroup: number; data: Uint8Array } | undefined;
  private ni: Uint8Array | undefined;

  process(sa: IkeSa, msg: InboundMessage): void {
    const p = msg.payloads;
    const s = sa.services;
    const selection = selectIkeProposal(findPayload(p, 'sa')?.proposals ?? [], s.ikeProposals);
    const ke = findPayload(p, 'ke');
    const ni = findPayload(p, 'nonce')?.data;
    if (selection?.peerSpi.length !== 8)
      this.refusal = { notifyType: NotifyType.NO_PROPOSAL_CHOSEN, data: new Uint8Array(0) };
    else if (!ke) this.refusal = { notifyType: NotifyType.INVALID_SYNTAX, data: new Uint8Array(0) };
    else if (!selection.dhGroups.includes(ke.dhGroup)) {
      this.refusal = { notifyType: NotifyType.INVALID_KE_PAYLOAD, data: u16Bytes(selection.dhGroups[0]!) };
    } else if (!ni || !validNonce(ni))
      this.refusal = { notifyType: NotifyType.INVALID_SYNTAX, data: new Uint8Array(0) };
    else if (
      sa.state !== 'established' ||
      ['ike-rekey', 'child-create', 'child-rekey', 'child-delete'].some((n) => sa.tasks.hasActive(n))
    ) {
      // We are closing this SA or busy with one of its Child SAs (RFC 7296 §2.25.1, §2.25.2). A simultaneous IKE
      // rekey is refused too rather than resolved by nonces (§2.8.2): both sides retry after a random delay.
      this.refusal = { notifyType: NotifyType.TEMPORARY_FAILURE, data: new Uint8Array(0) };
    }
    this.selection = selection;
    this.ke = ke;
    this.ni = ni;
  }

  build(sa: IkeSa, out: IkePayload[]): 'done' {
    const { selection, ke, ni } = this;
    if (this.refusal || !selection || !ke || !ni) {
      const r = this.refusal ?? { notifyType: NotifyType.INVALID_SYNTAX, data: new Uint8Array(0) };
      out.push(notify(r.notifyType, r.data));
      sa.reportSentError(r.notifyType, ExchangeType.CREATE_CHILD_SA);
      return 'done';
    }
    const s = sa.services;
    const keyPair = dhGroup(ke.dhGroup).generate(s.random);
    const shared = sharedSecret(keyPair, ke.dhGroup, ke.data);
    if (!shared) {
      out.push(notify(NotifyType.INVALID_SYNTAX));
      sa.reportSentError(NotifyType.INVALID_SYNTAX, ExchangeType.CREATE_CHILD_SA);
      return 'done';
    }
    const ourSpi = s.allocateIkeSpi();
    const nr = s.random(NONCE_LENGTH);
    out.push({ kind: 'sa', proposals: [ikeReplyProposal(selection, ke.dhGroup, ourSpi)] });
    out.push({ kind: 'nonce', data: nr }, { kind: 'ke', dhGroup: ke.dhGroup, data: keyPair.publicKey });
    const suite = ikeSuiteOf(selection, ke.dhGroup);
    replaceIkeSa(sa, false, { spiI: selection.peerSpi, spiR: ourSpi }, suite, shared, { ni, nr });
    // The rekey initiator deletes the old SA; if that never comes, it goes on its own.
    sa.ikeExpireAt = s.now + s.timing.halfOpenTimeoutMs;
    return 'done';
  }
}
