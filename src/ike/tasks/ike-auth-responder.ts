/**
 * IKE_AUTH as responder for EAP-authenticated initiators (RFC 7296 §2.16, RFC 4739 §2.2, TS 24.303 §5.1.3.1):
 * the first answer carries IDr (the value the UE sent, TS 24.303 §5.1.3.1), the certificate chain, a signature AUTH
 * and the first EAP Request; EAP rounds follow; after EAP-Success the UE's MSK AUTH is checked and answered with
 * ours. ANOTHER_AUTH_FOLLOWS starts another round with a new IDi and a new EAP conversation.
 */
import { AuthMethod, CertEncoding, NotifyType } from '../../wire/ike/constants.ts';
import type { IdentityData } from '../../wire/ike/identity.ts';
import type { IdPayload, IkePayload } from '../../wire/ike/payload.ts';
import { identityText, mskAuth, signedOctets, verifyMskAuth } from '../auth.ts';
import { type EapServer, type EapServerFactory, eapSuccessFor } from '../eap.ts';
import { IkeProtocolError } from '../errors.ts';
import type { IkeSa } from '../ike-sa.ts';
import { findNotify, findPayload, idPayload } from '../payloads.ts';
import { type AuthKey, classicMethod, SignatureHash, signAuthData } from '../signature.ts';
import type { InboundMessage, PassiveTask } from '../task.ts';

export interface ResponderCredentials {
  readonly key: AuthKey;
  /** DER certificates, end-entity first, then intermediates (one CERT payload each, RFC 7296 §3.6). */
  readonly certificates: readonly Uint8Array[];
  /** Use the RFC 7427 Digital Signature method when the UE announced SHA2-256 (RFC 7427 §4). */
  readonly preferDigitalSignature: boolean;
}

export interface ResponderAuthConfig {
  readonly credentials: ResponderCredentials;
  readonly eapServer: EapServerFactory;
  /** IDr sent when the UE named none. */
  readonly ownIdentity: IdentityData;
  /** IKE_AUTH requests allowed per IKE SA before giving up on a conversation. */
  readonly maxMessages: number;
}

type Phase = 'expect-id' | 'eap' | 'expect-auth' | 'done';

export class IkeAuthResponder implements PassiveTask {
  readonly name = 'ike-auth';
  private round = 0;
  private phase: Phase = 'expect-id';
  private messages = 0;
  private server: EapServer | undefined;
  private idi: IdPayload | undefined;
  private idr: IdPayload | undefined;
  private msk: Uint8Array | undefined;
  private out: IkePayload[] = [];

  constructor(private readonly config: ResponderAuthConfig) {}

  process(sa: IkeSa, msg: InboundMessage): void {
    if (++this.messages > this.config.maxMessages) this.fail(sa, 'too-many-auth-rounds');
    const p = msg.payloads;
    this.out = [];
    if (this.phase === 'expect-id') this.startRound(sa, p);
    else if (this.phase === 'eap') this.continueEap(sa, p);
    else if (this.phase === 'expect-auth') this.finishRound(sa, p);
    else throw new IkeProtocolError(NotifyType.INVALID_SYNTAX, 'IKE_AUTH already complete');
  }

  build(_sa: IkeSa, out: IkePayload[]): 'done' | 'again' {
    out.push(...this.out);
    return this.phase === 'done' ? 'done' : 'again';
  }

  /** A round opens with IDi and no AUTH: the initiator asks for EAP (RFC 7296 §2.16, RFC 4739 §2.1). */
  private startRound(sa: IkeSa, p: readonly IkePayload[]): void {
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
    this.server = this.config.eapServer({ ikeIdentity });
    this.out.push({ kind: 'eap', data: this.server.start() });
    this.phase = 'eap';
  }

  private signatureAuth(sa: IkeSa): IkePayload {
    const c = this.config.credentials;
    const rfc7427 = c.preferDigitalSignature && sa.peerSignatureHashes.includes(SignatureHash.SHA2_256);
    const method = rfc7427 ? AuthMethod.DIGITAL_SIGNATURE : classicMethod(c.key.type);
    const octets = signedOctets(sa, 'responder', this.idr!);
    return { kind: 'auth', method, data: signAuthData(c.key, method, octets) };
  }

  private continueEap(sa: IkeSa, p: readonly IkePayload[]): void {
    const eap = findPayload(p, 'eap');
    if (!eap || !this.server) this.fail(sa, 'missing-eap');
    const step = this.server.handle(eap.data);
    const result = step.result;
    if (result?.ok) {
      this.msk = result.msk;
      this.out.push({ kind: 'eap', data: result.eapSuccess ?? eapSuccessFor(eap.data) });
      this.phase = 'expect-auth';
      sa.session.eapIdentities.push(result.identity);
      sa.session.subscriber ??= result.identity;
      sa.services.emit({ kind: 'eap-success', ikeSaId: sa.id, round: this.round, identity: result.identity });
    } else if (result) {
      // EAP-Failure ends the exchange and the IKE SA (RFC 7296 §2.16).
      this.out.push({ kind: 'eap', data: result.eapFailure });
      this.phase = 'done';
      sa.services.emit({ kind: 'auth-failed', ikeSaId: sa.id, reason: 'eap-failure' });
      sa.markTeardown('failed', 'eap-failure');
    } else if (step.request) {
      this.out.push({ kind: 'eap', data: step.request });
    } else {
      this.fail(sa, 'eap-discarded');
    }
  }

  /** The UE's MSK AUTH (RFC 7296 §2.16), answered with ours; ANOTHER_AUTH_FOLLOWS opens the next round. */
  private finishRound(sa: IkeSa, p: readonly IkePayload[]): void {
    const auth = findPayload(p, 'auth');
    if (
      !auth ||
      !this.msk ||
      !this.idi ||
      !verifyMskAuth(sa, this.msk, signedOctets(sa, 'initiator', this.idi), auth)
    ) {
      this.fail(sa, 'bad-initiator-msk-auth');
    }
    this.out.push(mskAuth(sa, this.msk, signedOctets(sa, 'responder', this.idr!)));
    this.msk = undefined;
    if (findNotify(p, NotifyType.ANOTHER_AUTH_FOLLOWS) && sa.peerMultipleAuth) {
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
