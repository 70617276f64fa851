/**
 * The EAP-AKA peer (RFC 4187; the UE with its USIM), sans-I/O: `handleRequest(bytes)` takes one EAP packet
 * from the authenticator and returns the EAP-Response to send, if any, with events. Bytes, not decoded packets,
 * because AT_MAC and AT_CHECKCODE cover the packet exactly as received.
 *
 * Malformed input (RFC 3748 §4 vs RFC 4187 §6.3.1): a packet whose EAP header does not parse, or that is not a
 * Request, is silently discarded (counted in `stats.discarded`); an EAP-AKA Request whose Type-Data does not
 * parse is answered with AKA-Client-Error, as are the other error cases of RFC 4187 §6.3.1.
 * A repeated Request (same bytes as the last one) gets the same Response again without reprocessing
 * (RFC 3748 §4.1), so a retransmitted Challenge does not consume an SQN twice.
 * EAP-Success is taken only after our Challenge response (RFC 4187 §6.3.4); its Identifier is not compared,
 * since the packet carries nothing to protect and a mismatch could only come from a broken authenticator.
 */
import {
  checkAutn,
  deriveCkIkPrime,
  deriveEapAkaPrimeKeys,
  type EapAkaKeys,
  Milenage,
  type UsimSqnState,
} from '../crypto/index.ts';
import { copyBytes } from '../util/bytes.ts';
import { isWireError } from '../util/errors.ts';
import { bytesEqual } from '../util/hex.ts';
import {
  type AkaAttribute,
  AkaClientErrorCode,
  AkaSubtype,
  akaNotificationBeforeChallenge,
  akaNotificationImpliesFailure,
  decodeEap,
  EapCode,
  type EapPacket,
  type EapRequest,
  EapType,
  encodeEap,
  encodeEapAka,
  findAkaAttribute,
} from '../wire/eap/index.ts';
import type {
  AkaClientErrorCause,
  AkaPeerEvent,
  AkaPeerPhase,
  AkaPeerStep,
  EapAkaPeerConfig,
} from './aka-peer-types.ts';
import {
  checkAkaMac,
  checkcodeMatches,
  computeCheckcode,
  deriveAkaSessionKeys,
  eapPacketBytes,
  encodeAkaWithMac,
} from './aka-protect.ts';
import { type AkaIdRequestKind, checkAkaAttributes, decideIdentityRequest, PEER_RECEIVES } from './aka-rules.ts';
import { buildRootNai } from './identity.ts';

export * from './aka-peer-types.ts';

const encoder = new TextEncoder();
const NO_EVENTS: readonly AkaPeerEvent[] = [];

export class EapAkaPeer {
  /** The permanent identity sent in EAP-Response/Identity and AT_IDENTITY. */
  readonly identity: Uint8Array;
  readonly stats = { discarded: 0, duplicates: 0 };
  private readonly milenage: Milenage;
  private usimState: UsimSqnState;
  private phaseNow: AkaPeerPhase = 'start';
  /** Identity for MK: the last one sent (RFC 4187 §7); without any EAP identity round, the IKE IDi (RFC 7296 §2.16). */
  private mkIdentity: Uint8Array;
  private keys: EapAkaKeys | undefined;
  private lastRequest: Uint8Array | undefined;
  private lastResponse: Uint8Array | undefined;
  /** Whether a Response other than Identity/Notification/Nak went out: no Nak after that (RFC 3748 §4.1). */
  private methodStarted = false;
  /** The identity requests answered so far, in order (RFC 4187 §4.1.5 sequencing). */
  private readonly idRequests: AkaIdRequestKind[] = [];
  private readonly identityPackets: Uint8Array[] = [];
  private notificationRounds = 0;
  /** EAP-AKA (23) until an EAP-AKA′ (50) request is accepted; every Response carries the method's Type. */
  private type: typeof EapType.AKA | typeof EapType.AKA_PRIME = EapType.AKA;
  /** The root NAI built from the IMSI, as EAP-AKA′ spells it; undefined when the identity was configured as is. */
  private readonly primeIdentity: Uint8Array | undefined;

  constructor(private readonly config: EapAkaPeerConfig) {
    const id = 'identity' in config ? config.identity : buildRootNai(config);
    this.identity = typeof id === 'string' ? encoder.encode(id) : copyBytes(id);
    // RFC 5448 §3, TS 23.003 §19.3.2: the permanent identity of EAP-AKA′ starts with "6" where EAP-AKA's has "0".
    if (!('identity' in config) && typeof id === 'string') this.primeIdentity = encoder.encode(`6${id.slice(1)}`);
    const ike = config.ikeIdentity;
    this.mkIdentity =
      ike === undefined ? this.identity : typeof ike === 'string' ? encoder.encode(ike) : copyBytes(ike);
    this.milenage = Milenage.fromOpc(config.k, config.opc);
    this.usimState = config.usimSqnState;
  }

  get phase(): AkaPeerPhase {
    return this.phaseNow;
  }

  /** The USIM's SEQ_MS array now (also reported by every `usim-sqn-updated` event). */
  get usimSqnState(): UsimSqnState {
    return this.usimState;
  }

  handleRequest(bytes: Uint8Array): AkaPeerStep {
    const packet = eapPacketBytes(bytes);
    if (this.lastRequest && this.lastResponse && bytesEqual(packet, this.lastRequest)) {
      this.stats.duplicates++;
      return { send: this.lastResponse, events: NO_EVENTS };
    }
    let eap: EapPacket;
    try {
      eap = decodeEap(bytes);
    } catch (e) {
      // The EAP header was fine (else the layer would be 'eap'): an EAP-AKA request we cannot parse.
      const akaRequest = bytes[0] === EapCode.REQUEST && bytes[4] === this.type;
      if (isWireError(e) && e.layer === 'eap-aka' && akaRequest && !this.finished()) {
        return this.clientError(bytes[1]!, packet, 'MALFORMED');
      }
      return this.discard();
    }
    if (eap.kind === 'success') return this.onSuccess();
    if (eap.kind === 'failure') return this.onFailure();
    if (eap.kind === 'response' || this.finished()) return this.discard();
    return this.onRequest(eap, packet);
  }

  private onRequest(req: EapRequest, packet: Uint8Array): AkaPeerStep {
    const body = req.body;
    switch (body.kind) {
      case 'identity': // RFC 4187 §4.1.3: the permanent identity, as we keep no pseudonym or re-auth identity
        this.mkIdentity = this.identity;
        return this.reply(
          packet,
          encodeEap(eapResponse(req.identifier, { kind: 'identity', identity: this.identity })),
        );
      case 'notification': // RFC 3748 §5.2: acknowledged with an empty Notification
        return this.reply(
          packet,
          encodeEap(eapResponse(req.identifier, { kind: 'notification', message: new Uint8Array(0) })),
          [{ kind: 'eap-notification', message: body.message }],
        );
      case 'aka':
        if (body.type === EapType.AKA_PRIME && this.config.akaPrime !== true) {
          return this.nak(req.identifier, packet); // EAP-AKA′ not enabled: Nak it (RFC 3748 §5.3.1)
        }
        // RFC 3748 §4.1: one method per conversation; a request of the other AKA Type after ours started is dropped.
        if (this.methodStarted && body.type !== this.type) return this.discard();
        this.type = body.type;
        return this.onAka(req.identifier, body.subtype, body.attributes, packet);
      case 'unknown':
        return body.type === EapType.EXPANDED ? this.discard() : this.nak(req.identifier, packet);
      case 'nak':
        return this.discard(); // Nak is a Response-only Type (RFC 3748 §5.3.1)
    }
  }

  private onAka(id: number, subtype: number, attrs: readonly AkaAttribute[], packet: Uint8Array): AkaPeerStep {
    switch (subtype) {
      case AkaSubtype.IDENTITY:
        return this.onAkaIdentity(id, attrs, packet);
      case AkaSubtype.CHALLENGE:
        return this.onChallenge(id, attrs, packet);
      case AkaSubtype.NOTIFICATION:
        return this.onAkaNotification(id, attrs, packet);
      default: // Re-authentication (we never offer a re-auth identity), response subtypes, unknown ones
        return this.clientError(id, packet, 'UNEXPECTED_SUBTYPE');
    }
  }

  /** RFC 4187 §4.1.5 and §9.1: AT_IDENTITY with the permanent identity, the only one this peer has. */
  private onAkaIdentity(id: number, attrs: readonly AkaAttribute[], packet: Uint8Array): AkaPeerStep {
    if (this.phaseNow !== 'start' && this.phaseNow !== 'identity')
      return this.clientError(id, packet, 'UNEXPECTED_SUBTYPE');
    const decision = decideIdentityRequest(attrs, this.idRequests);
    if (!isIdRequestKind(decision)) return this.clientError(id, packet, decision);
    const identity = (this.type === EapType.AKA_PRIME ? this.primeIdentity : undefined) ?? this.identity;
    const response = this.akaResponse(id, AkaSubtype.IDENTITY, [{ kind: 'identity', identity }]);
    this.idRequests.push(decision);
    this.identityPackets.push(copyBytes(packet), response); // AT_CHECKCODE input (RFC 4187 §10.13)
    this.mkIdentity = identity;
    this.phaseNow = 'identity';
    this.methodStarted = true;
    return this.reply(packet, response);
  }

  /** RFC 4187 §9.3: AT_RAND and AT_AUTN first, then keys, then AT_MAC; §6.3.1 for the failures. */
  private onChallenge(id: number, attrs: readonly AkaAttribute[], packet: Uint8Array): AkaPeerStep {
    if (this.phaseNow !== 'start' && this.phaseNow !== 'identity')
      return this.clientError(id, packet, 'UNEXPECTED_SUBTYPE');
    const prime = this.type === EapType.AKA_PRIME;
    // RFC 5448 §3.1/§3.2: AT_KDF_INPUT and at least one AT_KDF, which may repeat (the server's KDF preferences).
    const kdfs = attrs.filter((a) => a.kind === 'kdf').map((a) => (a.kind === 'kdf' ? a.kdf : 0));
    const problem = checkAkaAttributes(
      attrs.filter((a) => a.kind !== 'kdf'),
      prime ? PEER_RECEIVES.challengePrime : PEER_RECEIVES.challenge,
    );
    if (problem) return this.clientError(id, packet, problem);
    if (!prime && kdfs.length > 0) return this.clientError(id, packet, 'UNEXPECTED_ATTRIBUTE');
    const rand = findAkaAttribute(attrs, 'rand')!.rand;
    const autn = findAkaAttribute(attrs, 'autn')!.autn;
    this.methodStarted = true;
    // RFC 5448 §3.2: only KDF 1 is implemented; offered first, it is used; otherwise the peer cannot go on.
    // TS 33.402 §6.1: EAP-AKA′ needs the AMF separation bit (the first bit of AMF, AUTN octet 6) set.
    if (prime && (kdfs[0] !== 1 || (autn[6]! & 0x80) === 0)) {
      this.phaseNow = 'failure';
      const reject = this.akaResponse(id, AkaSubtype.AUTHENTICATION_REJECT, []);
      return this.reply(packet, reject, [{ kind: 'failure', reason: 'AUTN_REJECTED' }]);
    }
    const usim = checkAutn(this.milenage, rand, autn, this.usimState, this.config.sqnPolicy);
    if (!usim.ok && usim.reason === 'MAC_FAILURE') {
      this.phaseNow = 'failure';
      const reject = this.akaResponse(id, AkaSubtype.AUTHENTICATION_REJECT, []);
      return this.reply(packet, reject, [{ kind: 'failure', reason: 'AUTN_REJECTED' }]);
    }
    if (!usim.ok) {
      const syncFailure = this.akaResponse(id, AkaSubtype.SYNCHRONIZATION_FAILURE, [{ kind: 'auts', auts: usim.auts }]);
      return this.reply(packet, syncFailure, [{ kind: 'sync-failure', sqnReason: usim.sqnReason }]);
    }
    // The USIM has accepted the SQN whatever AT_MAC turns out to be, as a real USIM would (TS 33.102 §6.3.3).
    this.usimState = usim.newState;
    const events: AkaPeerEvent[] = [{ kind: 'usim-sqn-updated', state: usim.newState }];
    const keys = prime
      ? this.primeKeys(attrs, autn, usim.ck, usim.ik)
      : deriveAkaSessionKeys(this.mkIdentity, usim.ck, usim.ik);
    if (checkAkaMac(packet, keys.kAut) !== 'ok') return this.clientError(id, packet, 'BAD_MAC', events);
    const checkcode = findAkaAttribute(attrs, 'checkcode');
    const hash = prime ? 'sha256' : 'sha1';
    if (checkcode && !checkcodeMatches(checkcode.checkcode, this.identityPackets, hash)) {
      return this.clientError(id, packet, 'BAD_CHECKCODE', events);
    }
    const attributes: AkaAttribute[] = [{ kind: 'res', resLengthBits: usim.res.length * 8, res: usim.res }];
    // §10.13: optional for the peer; sent back when the server used it, so both ends check the identity round.
    if (checkcode) attributes.push({ kind: 'checkcode', checkcode: computeCheckcode(this.identityPackets, hash) });
    // AT_RESULT_IND is never echoed: this peer does not ask for protected result indications (§6.2).
    const response = encodeAkaWithMac(
      { kind: 'response', type: this.type, identifier: id, subtype: AkaSubtype.CHALLENGE, attributes },
      keys.kAut,
    );
    this.keys = keys;
    this.phaseNow = 'challenge-answered';
    return this.reply(packet, response, events);
  }

  /** RFC 4187 §6.1, §9.10, §9.11. */
  private onAkaNotification(id: number, attrs: readonly AkaAttribute[], packet: Uint8Array): AkaPeerStep {
    const problem = checkAkaAttributes(attrs, PEER_RECEIVES.notification);
    if (problem) return this.clientError(id, packet, problem);
    if (this.notificationRounds > 0) return this.clientError(id, packet, 'NOTIFICATION_RULES'); // one round only
    const code = findAkaAttribute(attrs, 'notification')!.code;
    const failure = akaNotificationImpliesFailure(code);
    const beforeChallenge = akaNotificationBeforeChallenge(code);
    let kAut: Uint8Array | undefined;
    if (beforeChallenge) {
      // P = 1: no AT_MAC, and S must be 0. Accepted after the Challenge round too: a server that refuses our
      // RES sends 16384 then, because P = 0 is only for after a *successful* round (§6.1, §6.3.2).
      if (attrs.some((a) => a.kind === 'mac') || !failure) return this.clientError(id, packet, 'NOTIFICATION_RULES');
    } else {
      // P = 0: only after the Challenge round, protected by AT_MAC (§9.10).
      kAut = this.phaseNow === 'challenge-answered' ? this.keys?.kAut : undefined;
      if (!kAut) return this.clientError(id, packet, 'NOTIFICATION_RULES');
      if (checkAkaMac(packet, kAut) !== 'ok') return this.clientError(id, packet, 'BAD_MAC');
    }
    this.notificationRounds++;
    // §9.11: the Response carries AT_MAC exactly when the Request's P bit is 0.
    const response = kAut
      ? encodeAkaWithMac(
          { kind: 'response', type: this.type, identifier: id, subtype: AkaSubtype.NOTIFICATION, attributes: [] },
          kAut,
        )
      : this.akaResponse(id, AkaSubtype.NOTIFICATION, []);
    const events: AkaPeerEvent[] = [{ kind: 'notification', code }];
    if (failure) {
      this.phaseNow = 'failure';
      events.push({ kind: 'failure', reason: 'FAILURE_NOTIFICATION', code });
    }
    return this.reply(packet, response, events);
  }

  /** RFC 4187 §6.3.4: only after our Challenge response; RFC 3748 §4.2: a "canned" Success is discarded. */
  private onSuccess(): AkaPeerStep {
    if (this.phaseNow !== 'challenge-answered' || !this.keys) return this.discard();
    this.phaseNow = 'success';
    const { msk, emsk } = this.keys;
    return { events: [{ kind: 'success', msk, emsk, identity: this.mkIdentity }] };
  }

  /** RFC 4187 §6.3.3: accepted after our error message or a failure notification, and after the Challenge round. */
  private onFailure(): AkaPeerStep {
    if (this.phaseNow === 'failure') return { events: NO_EVENTS }; // already reported
    if (this.phaseNow !== 'challenge-answered') return this.discard();
    this.phaseNow = 'failure';
    return { events: [{ kind: 'failure', reason: 'EAP_FAILURE' }] };
  }

  private clientError(
    id: number,
    packet: Uint8Array,
    cause: AkaClientErrorCause,
    events: readonly AkaPeerEvent[] = NO_EVENTS,
  ): AkaPeerStep {
    this.phaseNow = 'failure';
    const code = { kind: 'client-error-code', clientErrorCode: AkaClientErrorCode.UNABLE_TO_PROCESS_PACKET } as const;
    return this.reply(packet, this.akaResponse(id, AkaSubtype.CLIENT_ERROR, [code]), [
      ...events,
      { kind: 'failure', reason: 'CLIENT_ERROR', cause },
    ]);
  }

  /** Legacy Nak asking for EAP-AKA, allowed only before the method started (RFC 3748 §4.1, §5.3.1). */
  private nak(id: number, packet: Uint8Array): AkaPeerStep {
    if (this.methodStarted) return this.discard();
    return this.reply(packet, encodeEap(eapResponse(id, { kind: 'nak', desiredTypes: [EapType.AKA] })));
  }

  private reply(packet: Uint8Array, response: Uint8Array, events: readonly AkaPeerEvent[] = NO_EVENTS): AkaPeerStep {
    this.lastRequest = copyBytes(packet);
    this.lastResponse = response;
    return { send: response, events };
  }

  /**
   * EAP-AKA′ keys: CK′ ‖ IK′ from the network name in AT_KDF_INPUT and SQN ⊕ AK (AUTN's first 6 octets)
   * (TS 33.402 Annex A.2), then MK = PRF′(IK′ ‖ CK′, "EAP-AKA'" ‖ Identity) (RFC 5448 §3.3).
   */
  private primeKeys(attrs: readonly AkaAttribute[], autn: Uint8Array, ck: Uint8Array, ik: Uint8Array): EapAkaKeys {
    const networkName = findAkaAttribute(attrs, 'kdf-input')!.networkName;
    const { ckPrime, ikPrime } = deriveCkIkPrime(ck, ik, networkName, autn.subarray(0, 6));
    const k = deriveEapAkaPrimeKeys(this.mkIdentity, ckPrime, ikPrime);
    return { kEncr: k.kEncr, kAut: k.kAut, msk: k.msk, emsk: k.emsk };
  }

  private akaResponse(identifier: number, subtype: number, attributes: readonly AkaAttribute[]): Uint8Array {
    return encodeEapAka({ kind: 'response', type: this.type, identifier, subtype, attributes });
  }

  private discard(): AkaPeerStep {
    this.stats.discarded++;
    return { events: NO_EVENTS };
  }

  private finished(): boolean {
    return this.phaseNow === 'success' || this.phaseNow === 'failure';
  }
}

function eapResponse(identifier: number, body: EapRequest['body']): EapPacket {
  return { kind: 'response', identifier, body };
}

function isIdRequestKind(v: string): v is AkaIdRequestKind {
  return v === 'permanent-id-req' || v === 'fullauth-id-req' || v === 'any-id-req';
}
