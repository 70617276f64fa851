/**
 * IKE_AUTH as initiator with EAP (RFC 7296 §2.16, RFC 4739 §2.2, TS 24.303 §5.1.2.2):
 *   IKE_AUTH { IDi, [CERTREQ], IDr, N(MULTIPLE_AUTH_SUPPORTED) }  -->      (no AUTH: EAP follows)
 *                                  <--  { IDr, CERT+, AUTH(signature), EAP(Request) }
 *   IKE_AUTH { EAP(Response) }  -->  ...  <--  { EAP(Success) }
 *   IKE_AUTH { AUTH(MSK), [N(ANOTHER_AUTH_FOLLOWS)] }  -->  <--  { AUTH(MSK), ... }
 * and, after ANOTHER_AUTH_FOLLOWS, a new IDi without AUTH and another EAP conversation. The other IKE_AUTH
 * payloads (CP, SA, TSi, TSr) belong to the config and child tasks.
 */
import { EapCode } from '../../wire/eap/constants.ts';
import { AuthMethod, CertEncoding, ExchangeType, NotifyType } from '../../wire/ike/constants.ts';
import type { IdentityData } from '../../wire/ike/identity.ts';
import type { IdPayload, IkePayload } from '../../wire/ike/payload.ts';
import { identityText, mskAuth, signedOctets, verifyMskAuth } from '../auth.ts';
import type { EapPeer } from '../eap.ts';
import { IkeLocalFailure, IkeProtocolError } from '../errors.ts';
import type { IkeSa } from '../ike-sa.ts';
import { findNotify, findPayload, findPayloads, firstErrorNotify, idPayload, notify } from '../payloads.ts';
import { verifyAuthData } from '../signature.ts';
import type { ActiveTask, InboundMessage, TaskStatus } from '../task.ts';
import type { TrustStore } from '../trust.ts';

export interface AuthRound {
  /** IDi of the round: the NAI as ID_RFC822_ADDR in the first (TS 24.303 §5.1.2.2). */
  readonly identity: IdentityData;
  /** The EAP peer of this round, or a factory giving a fresh one per attach (for peers with per-conversation state). */
  readonly eapPeer: EapPeer | (() => EapPeer);
}

export interface InitiatorAuthConfig {
  readonly rounds: readonly AuthRound[];
  /** IDr: the APN of the target PDN as ID_FQDN (TS 24.303 §5.1.2.2); undefined sends none. */
  readonly idr: IdentityData | undefined;
  /** CA certificates the HA's chain must lead to, and the name its certificate must carry. */
  readonly trust: TrustStore;
  readonly peerIdentity: string;
  /** IKE_AUTH round trips allowed (RFC 7296 §2.16: at least 10 must be accepted for EAP). */
  readonly maxMessages: number;
}

/** Errors that end IKE_AUTH without a Delete (RFC 7296 §2.21.2); others concern the piggybacked SAs. */
const FATAL = new Set<number>([
  NotifyType.AUTHENTICATION_FAILED,
  NotifyType.INVALID_SYNTAX,
  NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD,
]);

type Phase = 'send-id' | 'await-eap' | 'send-eap' | 'send-auth' | 'await-auth';

export class IkeAuthInitiator implements ActiveTask {
  readonly exchangeType = ExchangeType.IKE_AUTH;
  readonly name = 'ike-auth';
  private round = 0;
  private phase: Phase = 'send-id';
  private messages = 0;
  private eap: EapPeer | undefined;
  private eapResponse: Uint8Array | undefined;
  private msk: Uint8Array | undefined;
  private idr: IdPayload | undefined;
  private responderAuthenticated = false;

  constructor(private readonly config: InitiatorAuthConfig) {}

  private get current(): AuthRound {
    return this.config.rounds[this.round]!;
  }

  build(sa: IkeSa, out: IkePayload[]): void {
    if (++this.messages > this.config.maxMessages)
      throw new IkeLocalFailure('too-many-auth-rounds', `${this.messages}`);
    if (this.phase === 'send-id') {
      out.push(idPayload('idi', this.current.identity));
      if (this.round === 0) {
        out.push({ kind: 'certreq', encoding: CertEncoding.X509_SIGNATURE, data: this.config.trust.certReqData });
        if (this.config.idr) out.push(idPayload('idr', this.config.idr));
        out.push(notify(NotifyType.MULTIPLE_AUTH_SUPPORTED));
      }
      const peer = this.current.eapPeer;
      this.eap = typeof peer === 'function' ? peer() : peer;
      this.phase = 'await-eap';
    } else if (this.phase === 'send-eap' && this.eapResponse) {
      out.push({ kind: 'eap', data: this.eapResponse });
      this.phase = 'await-eap';
    } else if (this.phase === 'send-auth' && sa.keys) {
      // A method that derives no MSK (EAP-MD5/GTC) keys the AUTH with SK_pi (RFC 7296 §2.16).
      const key = this.msk ?? sa.keys.skPi;
      out.push(mskAuth(sa, key, signedOctets(sa, 'initiator', idPayload('idi', this.current.identity))));
      if (this.round + 1 < this.config.rounds.length) out.push(notify(NotifyType.ANOTHER_AUTH_FOLLOWS));
      this.phase = 'await-auth';
    }
  }

  process(sa: IkeSa, msg: InboundMessage): TaskStatus {
    const p = msg.payloads;
    const error = firstErrorNotify(p);
    if (error && (FATAL.has(error.notifyType) || !findPayload(p, 'auth'))) {
      sa.services.emit({
        kind: 'error-notify',
        ikeSaId: sa.id,
        notifyType: error.notifyType,
        exchangeType: this.exchangeType,
        direction: 'received',
        unauthenticated: !this.responderAuthenticated,
      });
      // The HA sends its EAP-Failure beside AUTHENTICATION_FAILED (RFC 7296 §2.16): the EAP conversation failed.
      if (findPayload(p, 'eap')?.data[0] === EapCode.FAILURE) {
        this.authFailed(sa, 'eap-failure');
        throw new IkeLocalFailure('eap-failure', 'EAP conversation failed');
      }
      if (error.notifyType === NotifyType.AUTHENTICATION_FAILED) this.authFailed(sa, 'rejected-by-peer');
      throw new IkeLocalFailure(`notify-${error.notifyType}`, 'IKE_AUTH refused', error.notifyType);
    }
    if (this.phase === 'await-auth') return this.processAuth(sa, p);
    if (this.round === 0 && !this.responderAuthenticated) this.authenticateResponder(sa, p);
    const eap = findPayload(p, 'eap');
    if (!eap || !this.eap) throw new IkeLocalFailure('unexpected-response', 'IKE_AUTH response without EAP');
    const step = this.eap.handle(eap.data);
    if (step.result?.ok) {
      this.msk = step.result.msk; // undefined for methods without one: SK_pi / SK_pr key the AUTHs
      this.phase = 'send-auth';
      const identity = identityText(this.current.identity);
      sa.services.emit({ kind: 'eap-success', ikeSaId: sa.id, round: this.round, identity });
      if (this.round === 0) sa.session.eapIdentities = [];
      sa.session.eapIdentities.push(identity);
      return 'again';
    }
    if (step.result) {
      this.authFailed(sa, 'eap-failure');
      throw new IkeLocalFailure('eap-failure', 'EAP conversation failed');
    }
    if (!step.response) throw new IkeLocalFailure('eap-stalled', 'the EAP peer produced no response');
    this.eapResponse = step.response;
    this.phase = 'send-eap';
    return 'again';
  }

  /** The HA's first answer: IDr, its certificate chain and a signature AUTH (RFC 7296 §2.15, §3.6). */
  private authenticateResponder(sa: IkeSa, p: readonly IkePayload[]): void {
    const idr = findPayload(p, 'idr');
    const auth = findPayload(p, 'auth');
    if (!idr || !auth) throw new IkeLocalFailure('unexpected-response', 'first IKE_AUTH response lacks IDr or AUTH');
    const chain = findPayloads(p, 'cert')
      .filter((c) => c.encoding === CertEncoding.X509_SIGNATURE)
      .map((c) => c.data);
    const check = this.config.trust.validate(chain, this.config.peerIdentity, sa.services.now);
    if (!check.ok) this.rejectResponder(sa, `certificate-${check.reason}`);
    if (auth.method === AuthMethod.SHARED_KEY_MIC) this.rejectResponder(sa, 'responder-used-shared-key');
    if (!verifyAuthData(check.key, auth.method, auth.data, signedOctets(sa, 'responder', idr))) {
      this.rejectResponder(sa, 'bad-responder-signature');
    }
    this.idr = idr;
    this.responderAuthenticated = true;
    sa.session.peerId = identityText(idr);
  }

  /** The second AUTH of the round, keyed with the MSK; then either the next round or the end of IKE_AUTH. */
  private processAuth(sa: IkeSa, p: readonly IkePayload[]): TaskStatus {
    const auth = findPayload(p, 'auth');
    const key = this.msk ?? sa.keys?.skPr;
    if (!auth || !key || !this.idr || !verifyMskAuth(sa, key, signedOctets(sa, 'responder', this.idr), auth)) {
      this.rejectResponder(sa, 'bad-responder-msk-auth');
    }
    if (findNotify(p, NotifyType.ANOTHER_AUTH_FOLLOWS)) {
      // The HA wants to present more credentials: not something an EAP-only UE configuration can use.
      throw new IkeLocalFailure('unsupported-responder-round', 'responder announced ANOTHER_AUTH_FOLLOWS');
    }
    this.msk = undefined;
    if (this.round + 1 < this.config.rounds.length) {
      if (!sa.peerMultipleAuth) throw new IkeLocalFailure('no-multiple-auth', 'responder did not announce RFC 4739');
      this.round++;
      this.phase = 'send-id';
      return 'again';
    }
    sa.establish();
    const s = sa.services;
    s.emit({
      kind: 'ike-sa-established',
      ikeSaId: sa.id,
      spiI: sa.spiI,
      spiR: sa.spiR,
      peerId: sa.session.peerId,
      eapIdentities: sa.session.eapIdentities,
      path: sa.path,
    });
    return 'done';
  }

  private authFailed(sa: IkeSa, reason: string): void {
    sa.services.emit({ kind: 'auth-failed', ikeSaId: sa.id, reason });
  }

  /** We cannot authenticate the HA: AUTHENTICATION_FAILED in a separate INFORMATIONAL (RFC 7296 §2.21.2). */
  private rejectResponder(sa: IkeSa, reason: string): never {
    this.authFailed(sa, reason);
    throw new IkeProtocolError(NotifyType.AUTHENTICATION_FAILED, reason);
  }
}
