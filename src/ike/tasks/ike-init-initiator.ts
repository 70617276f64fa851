/**
 * IKE_SA_INIT as initiator (RFC 7296 §1.2): HDR, SAi1, KEi, Ni, N(NAT-D)×2, N(SIGNATURE_HASH_ALGORITHMS) -->
 * with the corrective retries the RFC defines: COOKIE (§2.6) and INVALID_KE_PAYLOAD (§1.2), both resent with
 * Message ID 0. Any other error answer is unauthenticated and only believed if nothing better arrives (§2.21.1).
 */

import { dhGroup } from '../../crypto/dh.ts';
import type { DhKeyPair } from '../../crypto/dh-types.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import { copyBytes } from '../../util/bytes.ts';
import { bytesEqual } from '../../util/hex.ts';
import { ExchangeType, NotifyType } from '../../wire/ike/constants.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import type { Proposal } from '../../wire/ike/sa.ts';
import { IkeLocalFailure } from '../errors.ts';
import type { IkeSa } from '../ike-sa.ts';
import { deriveInitialIkeKeys } from '../keys.ts';
import { findNotify, findPayload, firstErrorNotify, notify, readU16 } from '../payloads.ts';
import { buildIkeProposals, offeredDhGroups } from '../proposal.ts';
import { acceptIkeReply } from '../proposal-reply.ts';
import { IkeProtection } from '../protection.ts';
import type { ActiveTask, InboundMessage, TaskStatus } from '../task.ts';
import {
  applyNatDetection,
  keyLogEvent,
  NONCE_LENGTH,
  natDetectionNotifies,
  readNatDetection,
  readPeerCapabilities,
  signatureHashNotify,
  validNonce,
} from './init-common.ts';

/** Corrective retries allowed per kind before the answer is treated as an error (loops are an attack). */
const MAX_RETRIES = 3;
const ZERO_SPI = new Uint8Array(8);

export interface InitInitiatorOptions {
  /** Move to the NAT-T port after IKE_SA_INIT even without a NAT (RFC 5555 §5 asks this of the MN). */
  readonly alwaysUseNatT: boolean;
}

export class IkeInitInitiator implements ActiveTask {
  readonly exchangeType = ExchangeType.IKE_SA_INIT;
  readonly name = 'ike-init';
  private proposals: Proposal[] | undefined;
  private group: number | undefined;
  private keyPair: DhKeyPair | undefined;
  private cookie: Uint8Array | undefined;
  private cookieRetries = 0;
  private keRetries = 0;

  constructor(private readonly options: InitInitiatorOptions) {}

  build(sa: IkeSa, out: IkePayload[]): void {
    const s = sa.services;
    this.proposals ??= buildIkeProposals(s.ikeProposals, new Uint8Array(0));
    this.group ??= s.ikeProposals[0]?.dh[0];
    if (this.group === undefined) throw new IkeLocalFailure('no-proposal', 'no DH group configured');
    this.keyPair ??= dhGroup(this.group).generate(s.random);
    sa.ni ??= s.random(NONCE_LENGTH);
    // A returned cookie goes first, everything else unchanged (RFC 7296 §2.6).
    if (this.cookie) out.push(notify(NotifyType.COOKIE, this.cookie));
    out.push({ kind: 'sa', proposals: this.proposals });
    out.push({ kind: 'ke', dhGroup: this.group, data: this.keyPair.publicKey });
    out.push({ kind: 'nonce', data: sa.ni });
    out.push(...natDetectionNotifies(sa.spiI, ZERO_SPI, sa.path));
    out.push(signatureHashNotify());
  }

  process(sa: IkeSa, msg: InboundMessage): TaskStatus {
    const p = msg.payloads;
    const cookie = findNotify(p, NotifyType.COOKIE);
    if (cookie && !findPayload(p, 'sa')) return this.retryWithCookie(sa, cookie.data);
    const error = firstErrorNotify(p);
    if (error) return this.onError(sa, error.notifyType, error.data);
    return this.complete(sa, msg);
  }

  private retryWithCookie(sa: IkeSa, data: Uint8Array): TaskStatus {
    if (data.length < 1 || data.length > 64 || this.cookieRetries >= MAX_RETRIES) {
      return this.onError(sa, NotifyType.COOKIE, data);
    }
    this.cookieRetries++;
    this.cookie = data;
    return 'restart';
  }

  private onError(sa: IkeSa, notifyType: number, data: Uint8Array): TaskStatus {
    sa.services.emit({
      kind: 'error-notify',
      ikeSaId: sa.id,
      notifyType,
      exchangeType: this.exchangeType,
      direction: 'received',
      unauthenticated: true,
    });
    if (notifyType === NotifyType.INVALID_KE_PAYLOAD) {
      const wanted = readU16(data);
      const offered = offeredDhGroups(sa.services.ikeProposals);
      if (wanted !== undefined && wanted !== this.group && offered.includes(wanted) && this.keRetries < MAX_RETRIES) {
        this.keRetries++;
        this.group = wanted;
        this.keyPair = undefined; // a fresh key of the group the responder wants (RFC 7296 §1.2)
        return 'restart';
      }
    }
    sa.initError ??= {
      reason: notifyType === NotifyType.NO_PROPOSAL_CHOSEN ? 'no-proposal-chosen' : `notify-${notifyType}`,
      notifyType,
    };
    return 'wait';
  }

  private complete(sa: IkeSa, msg: InboundMessage): TaskStatus {
    const p = msg.payloads;
    const saPayload = findPayload(p, 'sa');
    const ke = findPayload(p, 'ke');
    const nonce = findPayload(p, 'nonce');
    if (!saPayload || !ke || !nonce || !this.proposals || !this.keyPair) return 'wait';
    const { suite } = acceptIkeReply(this.proposals, saPayload.proposals);
    if (suite.dhGroup !== this.group || ke.dhGroup !== this.group) {
      throw new IkeLocalFailure(
        'bad-proposal-reply',
        `KE group ${ke.dhGroup} / chosen ${suite.dhGroup} / ours ${this.group}`,
      );
    }
    if (!validNonce(nonce.data)) throw new IkeLocalFailure('bad-nonce', `nonce of ${nonce.data.length} bytes`);
    const spiR = msg.header.responderSpi;
    if (bytesEqual(spiR, ZERO_SPI)) throw new IkeLocalFailure('bad-spi', 'responder SPI is zero');
    let shared: Uint8Array;
    try {
      shared = dhGroup(suite.dhGroup).computeShared(this.keyPair.privateKey, ke.data);
    } catch (e) {
      if (isCryptoError(e)) throw new IkeLocalFailure('invalid-ke', e.message);
      throw e;
    }
    const s = sa.services;
    sa.spiR = copyBytes(spiR);
    sa.nr = nonce.data;
    sa.suite = suite;
    sa.keys = deriveInitialIkeKeys(suite, shared, { ni: sa.ni!, nr: sa.nr }, { spiI: sa.spiI, spiR: sa.spiR });
    sa.protection = new IkeProtection(suite, sa.keys, true, s.random);
    sa.initResponse = msg.raw;
    sa.state = 'authenticating';
    readPeerCapabilities(sa, p);
    s.emit(keyLogEvent(sa));
    const nat = readNatDetection(p, sa.spiI, sa.spiR, msg.path);
    applyNatDetection(sa, nat);
    if (sa.natDetected || (nat && this.options.alwaysUseNatT)) {
      // Float to the NAT-T port for everything after IKE_SA_INIT (RFC 7296 §2.23, RFC 3948 §2.2).
      sa.path = { ...sa.path, localPort: s.natTPorts.local, remotePort: s.natTPorts.remote };
    }
    if (sa.natDetected) {
      s.emit({
        kind: 'nat-detected',
        ikeSaId: sa.id,
        localBehindNat: sa.natLocal,
        remoteBehindNat: sa.natRemote,
        path: sa.path,
      });
    }
    return 'done';
  }
}
