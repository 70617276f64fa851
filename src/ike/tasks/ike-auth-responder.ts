/**
 * IKE_AUTH as responder for EAP-authenticated initiators (RFC 7296 §2.16, RFC 4739 §2.2, TS 24.303 §5.1.3.1):
 * the first answer carries IDr (the value the UE sent, TS 24.303 §5.1.3.1), the certificate chain, a signature AUTH
 * and the first EAP Request; EAP rounds follow; after EAP-Success the UE's MSK AUTH is checked and answered with
 * ours. ANOTHER_AUTH_FOLLOWS starts another round with a new IDi and a new EAP conversation.
 *
 * The EAP server is either in the engine (a synchronous `EapServerFactory`: the embedded AAA) or outside it (an
 * `ExternalEapAuthenticator`): then each EAP Response is handed out as an `eap-pending` event and the response to
 * the IKE request is deferred (`PendingWork`) until `accept` brings the AAA's answer or the deadline passes.
 */
import { AuthMethod, CertEncoding, ExchangeType, NotifyType } from '../../wire/ike/constants.ts';
import type { IdentityData } from '../../wire/ike/identity.ts';
import type { IdPayload, IkePayload } from '../../wire/ike/payload.ts';
import { identityText, mskAuth, signedOctets, verifyMskAuth } from '../auth.ts';
import {
  type EapAnswer,
  type EapServer,
  type EapServerFactory,
  type EapServerStep,
  type ExternalEapAuthenticator,
  eapFailureFor,
  eapIdentityResponse,
  eapSuccessFor,
} from '../eap.ts';
import { IkeProtocolError } from '../errors.ts';
import type { IkeSa } from '../ike-sa.ts';
import { findNotify, findPayload, idPayload, notify } from '../payloads.ts';
import { type AuthKey, classicMethod, SignatureHash, signAuthData } from '../signature.ts';
import type { InboundMessage, PassiveTask, PendingWork } from '../task.ts';

export interface ResponderCredentials {
  readonly key: AuthKey;
  /** DER certificates, end-entity first, then intermediates (one CERT payload each, RFC 7296 §3.6). */
  readonly certificates: readonly Uint8Array[];
  /** Use the RFC 7427 Digital Signature method when the UE announced SHA2-256 (RFC 7427 §4). */
  readonly preferDigitalSignature: boolean;
}

export interface ResponderAuthConfig {
  readonly credentials: ResponderCredentials;
  readonly eapServer: EapServerFactory | ExternalEapAuthenticator;
  /** IDr sent when the UE named none. */
  readonly ownIdentity: IdentityData;
  /** IKE_AUTH requests allowed per IKE SA before giving up on a conversation. */
  readonly maxMessages: number;
  /** Authentication rounds every UE must complete: 2 requires an RFC 4739 second round (spec-choices AAA-3). */
  readonly requiredRounds: number;
}

type Phase = 'expect-id' | 'eap' | 'expect-auth' | 'done';

/** An EAP message forwarded to the external AAA: the IKE Message ID it answers is the token. */
interface Forwarded {
  readonly token: number;
  readonly eap: Uint8Array;
  /** The EAP-Response/Identity that opens a round: nothing was authenticated yet. */
  readonly opening: boolean;
}

export class IkeAuthResponder implements PassiveTask {
  readonly name = 'ike-auth';
  private round = 0;
  private phase: Phase = 'expect-id';
  private messages = 0;
  private server: EapServer | undefined;
  private idi: IdPayload | undefined;
  private idr: IdPayload | undefined;
  /** The round's EAP succeeded; `msk` is undefined for methods that derive no key. */
  private eapDone = false;
  private msk: Uint8Array | undefined;
  private out: IkePayload[] = [];
  private forwarded: Forwarded | undefined;
  private answer: EapAnswer | undefined;
  private work: PendingWork | undefined;

  constructor(private readonly config: ResponderAuthConfig) {}

  process(sa: IkeSa, msg: InboundMessage): void {
    if (++this.messages > this.config.maxMessages) this.fail(sa, 'too-many-auth-rounds');
    const p = msg.payloads;
    this.out = [];
    if (this.phase === 'expect-id') this.startRound(sa, msg);
    else if (this.phase === 'eap') this.continueEap(sa, msg);
    else if (this.phase === 'expect-auth') this.finishRound(sa, p);
    else throw new IkeProtocolError(NotifyType.INVALID_SYNTAX, 'IKE_AUTH already complete');
  }

  build(_sa: IkeSa, out: IkePayload[]): 'done' | 'again' {
    out.push(...this.out);
    return this.phase === 'done' ? 'done' : 'again';
  }

  pendingWork(): PendingWork | undefined {
    return this.work;
  }

  /** The external AAA's answer to the message forwarded as `token`; false when this task no longer waits for it. */
  accept(token: number, answer: EapAnswer): boolean {
    if (!this.forwarded || this.forwarded.token !== token || this.answer) return false;
    this.answer = answer;
    return true;
  }

  /** Applies the AAA's answer (or the timeout `expire` recorded) to the deferred IKE_AUTH request. */
  resume(sa: IkeSa): void {
    const f = this.forwarded;
    const a = this.answer ?? { kind: 'failure', reason: 'timeout', detail: 'no AAA answer' };
    this.forwarded = undefined;
    this.answer = undefined;
    this.work = undefined;
    if (!f) this.fail(sa, 'eap-discarded');
    if (a.kind === 'continue') {
      this.out.push({ kind: 'eap', data: a.eap });
    } else if (a.kind === 'failure') {
      this.eapFailed(sa, f.eap, a.eap, { reason: 'aaa-failure', aaaReason: a.reason, detail: a.detail });
    } else if (f.opening) {
      // A success before the UE answered any challenge authenticates nothing (RFC 3748 §7.2 "mutual authentication").
      this.eapFailed(sa, f.eap, undefined, { reason: 'aaa-failure', aaaReason: 'bad-answer', detail: 'early success' });
    } else if (!a.msk && this.round === 0) {
      // The first round authenticates the subscriber with a key-generating method (EAP-AKA, TS 33.402 §6.2): an
      // accept without an MSK is an AAA misconfiguration (e.g. RADIUS without MS-MPPE keys), not a keyless method.
      this.eapFailed(sa, f.eap, undefined, { reason: 'aaa-failure', aaaReason: 'bad-answer', detail: 'no MSK' });
    } else {
      this.eapSucceeded(sa, f.eap, {
        identity: a.identity ?? identityText(this.idi!),
        eapSuccess: a.eap,
        ...(a.msk ? { msk: a.msk } : {}),
      });
    }
  }

  /** A round opens with IDi and no AUTH: the initiator asks for EAP (RFC 7296 §2.16, RFC 4739 §2.1). */
  private startRound(sa: IkeSa, msg: InboundMessage): void {
    const p = msg.payloads;
    const idi = findPayload(p, 'idi');
    if (!idi) this.fail(sa, 'missing-idi', NotifyType.INVALID_SYNTAX);
    // Only EAP authenticates a UE here (TS 24.303 §5.1.2.2): an AUTH from the initiator has no credentials to check.
    if (findPayload(p, 'auth')) this.fail(sa, 'initiator-auth-not-supported');
    this.idi = idi;
    const ikeIdentity = identityText(idi);
    if (this.round === 0) {
      const idr = findPayload(p, 'idr');
      this.idr = idr ?? idPayload('idr', this.config.ownIdentity);
      if (findNotify(p, NotifyType.MULTIPLE_AUTH_SUPPORTED)) sa.peerMultipleAuth = true;
      sa.session.peerId = ikeIdentity;
      this.out.push({ kind: 'idr', idType: this.idr.idType, data: this.idr.data });
      for (const data of this.config.credentials.certificates) {
        this.out.push({ kind: 'cert', encoding: CertEncoding.X509_SIGNATURE, data });
      }
      this.out.push(this.signatureAuth(sa));
    }
    this.phase = 'eap';
    const source = this.config.eapServer;
    if (typeof source !== 'function') {
      this.forward(sa, msg, source, eapIdentityResponse(ikeIdentity), true);
      return;
    }
    this.server = source({ ikeIdentity, round: this.round });
    this.out.push({ kind: 'eap', data: this.server.start() });
  }

  private signatureAuth(sa: IkeSa): IkePayload {
    const c = this.config.credentials;
    const rfc7427 = c.preferDigitalSignature && sa.peerSignatureHashes.includes(SignatureHash.SHA2_256);
    const method = rfc7427 ? AuthMethod.DIGITAL_SIGNATURE : classicMethod(c.key.type);
    const octets = signedOctets(sa, 'responder', this.idr!);
    return { kind: 'auth', method, data: signAuthData(c.key, method, octets) };
  }

  private continueEap(sa: IkeSa, msg: InboundMessage): void {
    const eap = findPayload(msg.payloads, 'eap');
    if (!eap) this.fail(sa, 'missing-eap');
    const source = this.config.eapServer;
    if (typeof source !== 'function') {
      this.forward(sa, msg, source, eap.data, false);
      return;
    }
    if (!this.server) this.fail(sa, 'missing-eap');
    this.applyStep(sa, eap.data, this.server.handle(eap.data));
  }

  /** Hands `eap` to the external AAA (`eap-pending`) and defers the IKE response until its answer or the deadline. */
  private forward(
    sa: IkeSa,
    msg: InboundMessage,
    source: ExternalEapAuthenticator,
    eap: Uint8Array,
    opening: boolean,
  ): void {
    const token = msg.header.messageId;
    const deadline = sa.services.now + source.timeoutMs;
    this.forwarded = { token, eap, opening };
    this.answer = undefined;
    const identity = identityText(this.idi!);
    sa.services.emit({
      kind: 'eap-pending',
      ikeSaId: sa.id,
      round: this.round,
      token,
      identity,
      eap,
      deadline,
      path: sa.path,
    });
    this.work = {
      deadline,
      expire: () => {
        this.answer ??= { kind: 'failure', reason: 'timeout', detail: `no AAA answer within ${source.timeoutMs} ms` };
      },
    };
  }

  private applyStep(sa: IkeSa, response: Uint8Array, step: EapServerStep): void {
    const result = step.result;
    if (result?.ok) this.eapSucceeded(sa, response, result);
    else if (result) this.eapFailed(sa, response, result.eapFailure, { reason: 'eap-failure' });
    else if (step.request) this.out.push({ kind: 'eap', data: step.request });
    else this.fail(sa, 'eap-discarded');
  }

  private eapSucceeded(
    sa: IkeSa,
    response: Uint8Array,
    result: { readonly msk?: Uint8Array; readonly identity: string; readonly eapSuccess?: Uint8Array },
  ): void {
    this.msk = result.msk;
    this.eapDone = true;
    this.out.push({ kind: 'eap', data: result.eapSuccess ?? eapSuccessFor(response) });
    this.phase = 'expect-auth';
    sa.session.eapIdentities.push(result.identity);
    sa.session.subscriber ??= result.identity;
    sa.services.emit({ kind: 'eap-success', ikeSaId: sa.id, round: this.round, identity: result.identity });
  }

  /**
   * EAP-Failure ends the exchange and the IKE SA (RFC 7296 §2.16); AUTHENTICATION_FAILED goes beside it so the UE
   * knows IKE_AUTH is over whatever its EAP method makes of the Failure (§2.21.2, §3.10.1; spec-choices AAA-1).
   */
  private eapFailed(
    sa: IkeSa,
    response: Uint8Array,
    eapFailure: Uint8Array | undefined,
    why: { reason: string; aaaReason?: string; detail?: string | undefined },
  ): void {
    this.out = [{ kind: 'eap', data: eapFailure ?? eapFailureFor(response) }, notify(NotifyType.AUTHENTICATION_FAILED)];
    this.phase = 'done';
    sa.services.emit({
      kind: 'auth-failed',
      ikeSaId: sa.id,
      reason: why.reason,
      ...(why.aaaReason ? { aaaReason: why.aaaReason } : {}),
      ...(why.detail ? { detail: why.detail } : {}),
    });
    sa.reportSentError(NotifyType.AUTHENTICATION_FAILED, ExchangeType.IKE_AUTH);
    sa.markTeardown('failed', why.reason, NotifyType.AUTHENTICATION_FAILED);
  }

  /**
   * The UE's AUTH keyed with the MSK, or with SK_pi when the method derived none (RFC 7296 §2.16), answered with
   * ours (MSK or SK_pr); ANOTHER_AUTH_FOLLOWS opens the next round (RFC 4739 §2.1).
   */
  private finishRound(sa: IkeSa, p: readonly IkePayload[]): void {
    const auth = findPayload(p, 'auth');
    const keys = sa.keys;
    if (!auth || !this.eapDone || !this.idi || !keys) this.fail(sa, 'bad-initiator-msk-auth');
    const initiatorKey = this.msk ?? keys.skPi;
    if (!verifyMskAuth(sa, initiatorKey, signedOctets(sa, 'initiator', this.idi), auth)) {
      this.fail(sa, 'bad-initiator-msk-auth');
    }
    const another = findNotify(p, NotifyType.ANOTHER_AUTH_FOLLOWS) !== undefined && sa.peerMultipleAuth;
    // The HA's policy may require a second round (TS 33.402 external PDN authentication): without one, no SA.
    if (!another && this.round + 1 < this.config.requiredRounds) this.fail(sa, 'second-round-required');
    this.out.push(mskAuth(sa, this.msk ?? keys.skPr, signedOctets(sa, 'responder', this.idr!)));
    this.msk = undefined;
    this.eapDone = false;
    this.server = undefined;
    if (another) {
      this.round++;
      this.phase = 'expect-id';
      return;
    }
    this.phase = 'done';
    sa.establish();
    sa.services.emit({
      kind: 'ike-sa-established',
      ikeSaId: sa.id,
      spiI: sa.spiI,
      spiR: sa.spiR,
      peerId: sa.session.peerId,
      eapIdentities: sa.session.eapIdentities,
      path: sa.path,
    });
  }

  /** Every authentication error in IKE_AUTH is AUTHENTICATION_FAILED (RFC 7296 §2.21.2) unless it is syntax. */
  private fail(sa: IkeSa, reason: string, notifyType: number = NotifyType.AUTHENTICATION_FAILED): never {
    if (notifyType === NotifyType.AUTHENTICATION_FAILED)
      sa.services.emit({ kind: 'auth-failed', ikeSaId: sa.id, reason });
    throw new IkeProtocolError(notifyType, reason);
  }
}
