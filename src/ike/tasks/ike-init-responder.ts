/**
 * IKE_SA_INIT as responder (RFC 7296 §1.2): <-- HDR, SAr1, KEr, Nr, N(NAT-D)×2, N(MULTIPLE_AUTH_SUPPORTED),
 * N(SIGNATURE_HASH_ALGORITHMS), N(CHILDLESS_IKEV2_SUPPORTED). Refusals are NO_PROPOSAL_CHOSEN (§2.7) and INVALID_KE_PAYLOAD carrying the group
 * we want (§1.2); both leave no state behind. Cookies are checked by the endpoint before an SA exists (§2.6).
 */

import { dhGroup } from '../../crypto/dh.ts';
import type { DhKeyPair } from '../../crypto/dh-types.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import { NotifyType } from '../../wire/ike/constants.ts';
import type { IkePayload } from '../../wire/ike/payload.ts';
import { IkeProtocolError } from '../errors.ts';
import type { IkeSa } from '../ike-sa.ts';
import { deriveInitialIkeKeys } from '../keys.ts';
import { findPayload, notify, u16Bytes } from '../payloads.ts';
import { type IkeSelection, ikeReplyProposal, ikeSuiteOf, selectIkeProposal } from '../proposal.ts';
import { IkeProtection } from '../protection.ts';
import type { InboundMessage, PassiveTask } from '../task.ts';
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

const ZERO_SPI = new Uint8Array(8);

export interface InitResponderOptions {
  /** Announce RFC 4739 support (TS 24.303 §5.1.3.1 requires the HA to support multiple authentication). */
  readonly multipleAuth: boolean;
}

export class IkeInitResponder implements PassiveTask {
  readonly name = 'ike-init';
  private selection: IkeSelection | undefined;
  private keyPair: DhKeyPair | undefined;
  private group = 0;

  constructor(private readonly options: InitResponderOptions) {}

  process(sa: IkeSa, msg: InboundMessage): void {
    const p = msg.payloads;
    const saPayload = findPayload(p, 'sa');
    const ke = findPayload(p, 'ke');
    const nonce = findPayload(p, 'nonce');
    if (!saPayload || !ke || !nonce)
      throw new IkeProtocolError(NotifyType.INVALID_SYNTAX, 'SA, KE and Ni are required');
    const s = sa.services;
    const selection = selectIkeProposal(saPayload.proposals, s.ikeProposals);
    if (!selection) throw new IkeProtocolError(NotifyType.NO_PROPOSAL_CHOSEN, 'no acceptable IKE proposal');
    if (!selection.dhGroups.includes(ke.dhGroup)) {
      const wanted = selection.dhGroups[0]!;
      throw new IkeProtocolError(
        NotifyType.INVALID_KE_PAYLOAD,
        `KE group ${ke.dhGroup}, want ${wanted}`,
        u16Bytes(wanted),
      );
    }
    if (!validNonce(nonce.data)) throw new IkeProtocolError(NotifyType.INVALID_SYNTAX, 'nonce length');
    const group = dhGroup(ke.dhGroup);
    const keyPair = group.generate(s.random);
    let shared: Uint8Array;
    try {
      shared = group.computeShared(keyPair.privateKey, ke.data);
    } catch (e) {
      if (isCryptoError(e)) throw new IkeProtocolError(NotifyType.INVALID_SYNTAX, `KE data: ${e.message}`);
      throw e;
    }
    const suite = ikeSuiteOf(selection, ke.dhGroup);
    sa.ni = nonce.data;
    sa.nr = s.random(NONCE_LENGTH);
    sa.suite = suite;
    sa.keys = deriveInitialIkeKeys(suite, shared, { ni: sa.ni, nr: sa.nr }, { spiI: sa.spiI, spiR: sa.spiR });
    sa.protection = new IkeProtection(suite, sa.keys, false, s.random);
    sa.initRequest = msg.raw;
    readPeerCapabilities(sa, p);
    // The request's hashes were made with a zero responder SPI (RFC 7296 §2.23).
    applyNatDetection(sa, readNatDetection(p, sa.spiI, ZERO_SPI, msg.path));
    this.selection = selection;
    this.keyPair = keyPair;
    this.group = ke.dhGroup;
  }

  build(sa: IkeSa, out: IkePayload[]): 'done' {
    const selection = this.selection;
    const keyPair = this.keyPair;
    if (!selection || !keyPair || !sa.nr) throw new RangeError('IKE_SA_INIT response built before the request');
    out.push({ kind: 'sa', proposals: [ikeReplyProposal(selection, this.group, new Uint8Array(0))] });
    out.push({ kind: 'ke', dhGroup: this.group, data: keyPair.publicKey });
    out.push({ kind: 'nonce', data: sa.nr });
    out.push(...natDetectionNotifies(sa.spiI, sa.spiR, sa.path));
    if (this.options.multipleAuth) out.push(notify(NotifyType.MULTIPLE_AUTH_SUPPORTED));
    out.push(signatureHashNotify());
    // We set up an IKE SA whose IKE_AUTH carries no Child SA (the UE's BU/BA SA comes later with CREATE_CHILD_SA,
    // TS 24.303 §5.1.2.2), and say so (RFC 6023 §3), as strongSwan does.
    out.push(notify(NotifyType.CHILDLESS_IKEV2_SUPPORTED));
    sa.state = 'authenticating';
    const s = sa.services;
    s.emit(keyLogEvent(sa));
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
