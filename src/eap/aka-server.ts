/**
 * The EAP-AKA server (RFC 4187) with its AuC, sans-I/O: `start()` gives the first EAP-Request, and
 * `handleResponse(bytes)` takes each EAP-Response and gives the next Request, or EAP-Success / EAP-Failure.
 * Randomness is injected; subscriber data comes from a synchronous `SubscriberStore`.
 *
 * Responses whose Identifier is not the outstanding Request's are silently discarded (RFC 3748 §4.1 "MUST"),
 * which covers duplicated and late responses; so are packets whose EAP header does not parse (RFC 3748 §4).
 * Retransmitting the outstanding Request is the lower layer's job (`pendingRequest`); under IKEv2 the UE
 * retransmits its IKE_AUTH request and the IKE layer replays its cached response.
 *
 * Errors in a response end with an EAP-AKA Notification "General failure" (16384) and then EAP-Failure
 * (RFC 4187 §6.3.2, §6.3.3 case 3, and Figure 2 for a wrong RES or MAC). 16384 rather than 0: P = 0 codes are
 * for after a *successful* Challenge round and need AT_MAC (§6.1, §9.10), and 1031 "not subscribed" is such a
 * code, so an unknown IMSI also gets 16384 (as §4.1.7 prescribes for an invalid permanent identity).
 */
import {
  buildAuthVector,
  deriveCkIkPrime,
  deriveEapAkaPrimeKeys,
  Milenage,
  resyncHeSqn,
  sqnFromBytes,
  sqnToBytes,
  verifyAuts,
} from '../crypto/index.ts';
import { copyBytes } from '../util/bytes.ts';
import { isWireError } from '../util/errors.ts';
import {
  type AkaAttribute,
  AkaNotificationCode,
  AkaSubtype,
  decodeEap,
  EapCode,
  EapType,
  encodeEap,
  encodeEapAka,
  findAkaAttribute,
} from '../wire/eap/index.ts';
import {
  checkAkaMac,
  checkcodeMatches,
  computeCheckcode,
  deriveAkaSessionKeys,
  eapPacketBytes,
  encodeAkaWithMac,
  secretEquals,
} from './aka-protect.ts';
import { checkAkaAttributes, SERVER_RECEIVES } from './aka-rules.ts';
import type {
  AkaServerEvent,
  AkaServerFailureReason,
  AkaServerPhase,
  AkaServerStep,
  EapAkaServerConfig,
} from './aka-server-types.ts';
import { parsePermanentIdentity } from './identity.ts';
import type { Subscriber } from './subscriber.ts';

export * from './aka-server-types.ts';

const encoder = new TextEncoder();
const RAND_BYTES = 16;
const DEFAULT_MAX_RESYNCS = 1;

interface Challenge {
  readonly rand: Uint8Array;
  readonly xres: Uint8Array;
  readonly keys: ReturnType<typeof deriveAkaSessionKeys>;
}

export class EapAkaServer {
  readonly stats = { discarded: 0 };
  private phaseNow: AkaServerPhase = 'idle';
  private identifier: number;
  private outstanding: Uint8Array | undefined;
  private anyResponse = false;
  private identity: Uint8Array | undefined;
  private subscriber: Subscriber | undefined;
  private milenage: Milenage | undefined;
  private challenge: Challenge | undefined;
  private resyncs = 0;
  private readonly identityPackets: Uint8Array[] = [];
  private failureReason: AkaServerFailureReason = 'CLIENT_ERROR';
  private events: AkaServerEvent[] = [];
  private readonly type: typeof EapType.AKA | typeof EapType.AKA_PRIME;

  constructor(private readonly config: EapAkaServerConfig) {
    this.type = config.akaPrime ? EapType.AKA_PRIME : EapType.AKA;
    const first = config.initialIdentifier ?? this.randomBytes(1)[0]!;
    if (!Number.isInteger(first) || first < 0 || first > 255) throw new RangeError(`initialIdentifier ${first}`);
    this.identifier = (first - 1) & 0xff; // so the first Request carries `first`
  }

  get phase(): AkaServerPhase {
    return this.phaseNow;
  }

  /** The Request awaiting a Response, for the lower layer to retransmit (same Identifier, RFC 3748 §4.1). */
  get pendingRequest(): Uint8Array | undefined {
    return this.phaseNow === 'success' || this.phaseNow === 'failure' ? undefined : this.outstanding;
  }

  /** The IMSI being (or that was) authenticated, once known. */
  get imsi(): string | undefined {
    return this.subscriber?.imsi;
  }

  start(): AkaServerStep {
    if (this.phaseNow !== 'idle') throw new RangeError('EapAkaServer.start() called twice');
    const ike = this.config.ikeIdentity;
    const ikeId = typeof ike === 'string' ? encoder.encode(ike) : ike === undefined ? undefined : copyBytes(ike);
    const permanent = ikeId && parsePermanentIdentity(ikeId, this.method);
    if (!permanent || (this.config.requestIdentity ?? false)) {
      this.phaseNow = 'identity';
      return this.request(AkaSubtype.IDENTITY, [{ kind: 'permanent-id-req' }]);
    }
    this.identity = ikeId;
    return this.beginChallenge(permanent.imsi);
  }

  handleResponse(bytes: Uint8Array): AkaServerStep {
    if (this.phaseNow === 'idle' || this.phaseNow === 'success' || this.phaseNow === 'failure') return this.discard();
    const packet = eapPacketBytes(bytes);
    let eap: ReturnType<typeof decodeEap>;
    try {
      eap = decodeEap(bytes);
    } catch (e) {
      const ours = bytes[0] === EapCode.RESPONSE && bytes[1] === this.identifier && bytes[4] === this.type;
      if (isWireError(e) && e.layer === 'eap-aka' && ours) return this.afterError('MALFORMED_RESPONSE');
      return this.discard();
    }
    if (eap.kind !== 'response' || eap.identifier !== this.identifier) return this.discard();
    // RFC 3748 §4.2: after a failure indication, Failure follows "regardless of the response from the peer".
    if (this.phaseNow === 'notification') return this.finish('failure');
    const body = eap.body;
    if (body.kind === 'nak') {
      // RFC 3748 §4.1: a Nak after a non-Nak Response is discarded; before, we have no other method to offer.
      if (this.anyResponse) return this.discard();
      this.failureReason = 'NAK';
      return this.finish('failure');
    }
    if (body.kind !== 'aka' || body.type !== this.type) return this.discard(); // Type mismatch, RFC 3748 §4.1
    this.anyResponse = true;
    if (body.subtype === AkaSubtype.CLIENT_ERROR) {
      this.failureReason = 'CLIENT_ERROR'; // RFC 4187 §6.3.1: "the EAP server MUST issue the EAP-Failure"
      return this.finish('failure');
    }
    if (this.phaseNow === 'identity') return this.onIdentity(body.subtype, body.attributes, packet);
    return this.onChallengeRound(body.subtype, body.attributes, packet);
  }

  /** RFC 4187 §4.1.7 with AT_PERMANENT_ID_REQ: a permanent identity or General failure. */
  private onIdentity(subtype: number, attrs: readonly AkaAttribute[], packet: Uint8Array): AkaServerStep {
    if (subtype !== AkaSubtype.IDENTITY) return this.afterError('UNEXPECTED_SUBTYPE');
    const problem = checkAkaAttributes(attrs, SERVER_RECEIVES.identity);
    if (problem) return this.afterError(problem);
    const identity = findAkaAttribute(attrs, 'identity')!.identity;
    // §10.13: the request counts once its response has arrived; both as transmitted / received.
    this.identityPackets.push(this.outstanding!, copyBytes(packet));
    const permanent = parsePermanentIdentity(identity, this.method);
    if (!permanent) return this.afterError('INVALID_IDENTITY');
    this.identity = identity;
    return this.beginChallenge(permanent.imsi);
  }

  private onChallengeRound(subtype: number, attrs: readonly AkaAttribute[], packet: Uint8Array): AkaServerStep {
    const challenge = this.challenge!;
    switch (subtype) {
      case AkaSubtype.CHALLENGE: {
        // §10.15: AT_MAC before any other attribute.
        const mac = checkAkaMac(packet, challenge.keys.kAut);
        if (mac !== 'ok') return this.afterError(mac === 'missing' ? 'MISSING_ATTRIBUTE' : 'BAD_MAC');
        const problem = checkAkaAttributes(attrs, SERVER_RECEIVES.challenge);
        if (problem) return this.afterError(problem);
        const res = findAkaAttribute(attrs, 'res')!;
        if (res.resLengthBits !== challenge.xres.length * 8 || !secretEquals(res.res, challenge.xres)) {
          return this.afterError('BAD_RES');
        }
        const checkcode = findAkaAttribute(attrs, 'checkcode');
        if (checkcode && !checkcodeMatches(checkcode.checkcode, this.identityPackets, this.checkcodeHash)) {
          return this.afterError('BAD_CHECKCODE');
        }
        return this.finish('success');
      }
      case AkaSubtype.AUTHENTICATION_REJECT: // §6.3.3 case 2
        this.failureReason = 'AUTHENTICATION_REJECT';
        return this.finish('failure');
      case AkaSubtype.SYNCHRONIZATION_FAILURE:
        return this.onSynchronizationFailure(attrs, challenge);
      default:
        return this.afterError('UNEXPECTED_SUBTYPE');
    }
  }

  /** RFC 4187 §6.3.1 "(2)": resynchronise with AUTS and the RAND sent (TS 33.102 §6.3.5), then a new Challenge. */
  private onSynchronizationFailure(attrs: readonly AkaAttribute[], challenge: Challenge): AkaServerStep {
    const problem = checkAkaAttributes(attrs, SERVER_RECEIVES.synchronizationFailure);
    if (problem) return this.afterError(problem);
    if (this.resyncs >= (this.config.maxResyncs ?? DEFAULT_MAX_RESYNCS)) return this.afterError('TOO_MANY_RESYNCS');
    const auts = verifyAuts(this.milenage!, challenge.rand, findAkaAttribute(attrs, 'auts')!.auts);
    if (!auts.ok) return this.afterError('BAD_AUTS');
    this.resyncs++;
    const imsi = this.subscriber!.imsi;
    const current = this.config.store.get(imsi)?.sqn ?? this.subscriber!.sqn;
    const sqn = resyncHeSqn(current, sqnFromBytes(auts.sqnMs), this.config.sqnPolicy);
    if (sqn !== current) {
      this.config.store.updateSqn(imsi, sqn);
      this.events.push({ kind: 'sqn-updated', imsi, sqn, cause: 'resync' });
    }
    return this.sendChallenge();
  }

  private beginChallenge(imsi: string): AkaServerStep {
    const subscriber = this.config.store.get(imsi);
    if (!subscriber) return this.afterError('UNKNOWN_SUBSCRIBER');
    this.subscriber = subscriber;
    this.milenage = Milenage.fromOpc(subscriber.k, subscriber.opc);
    return this.sendChallenge();
  }

  /** EAP-Request/AKA-Challenge { AT_RAND, AT_AUTN, [AT_CHECKCODE], AT_MAC } with a fresh vector (RFC 4187 §9.3). */
  private sendChallenge(): AkaServerStep {
    const subscriber = this.subscriber!;
    // TS 33.102 §6.3.2: SQN_HE advances when the vector is generated; the store records it before the vector leaves.
    const next = this.config.store.nextSqn(subscriber.imsi);
    if (!next.ok) return this.afterError(next.reason);
    this.events.push({ kind: 'sqn-updated', imsi: subscriber.imsi, sqn: next.state, cause: 'vector' });
    const rand = this.randomBytes(RAND_BYTES);
    const prime = this.config.akaPrime;
    // TS 33.402 §6.1: vectors for EAP-AKA′ have the AMF separation bit (the first bit of AMF) set.
    const amf = prime ? Uint8Array.of(subscriber.amf[0]! | 0x80, subscriber.amf[1]!) : subscriber.amf;
    const vector = buildAuthVector(this.milenage!, rand, sqnToBytes(next.sqn), amf);
    const keys = prime
      ? primeKeys(this.identity!, vector, prime.networkName)
      : deriveAkaSessionKeys(this.identity!, vector.ck, vector.ik);
    this.challenge = { rand, xres: vector.xres, keys };
    const attributes: AkaAttribute[] = [
      { kind: 'rand', rand },
      { kind: 'autn', autn: vector.autn },
    ];
    // RFC 5448 §3.1, §3.2: the network name for CK′/IK′, and KDF 1, the only one defined.
    if (prime)
      attributes.push({ kind: 'kdf-input', networkName: encoder.encode(prime.networkName) }, { kind: 'kdf', kdf: 1 });
    // §10.13 (RECOMMENDED): protect the AKA-Identity round, if there was one, under AT_MAC.
    if (this.identityPackets.length > 0) {
      attributes.push({ kind: 'checkcode', checkcode: computeCheckcode(this.identityPackets, this.checkcodeHash) });
    }
    this.phaseNow = 'challenge';
    this.identifier = (this.identifier + 1) & 0xff;
    const packet = encodeAkaWithMac(
      { kind: 'request', type: this.type, identifier: this.identifier, subtype: AkaSubtype.CHALLENGE, attributes },
      keys.kAut,
    );
    return this.sendRequest(packet);
  }

  /** §6.3.2: an error in a response is answered with a failure Notification; EAP-Failure follows its response. */
  private afterError(reason: AkaServerFailureReason): AkaServerStep {
    this.failureReason = reason;
    if (this.phaseNow === 'notification') return this.finish('failure'); // one notification round only (§6.1)
    this.phaseNow = 'notification';
    return this.request(AkaSubtype.NOTIFICATION, [{ kind: 'notification', code: AkaNotificationCode.GENERAL_FAILURE }]);
  }

  private request(subtype: number, attributes: readonly AkaAttribute[]): AkaServerStep {
    this.identifier = (this.identifier + 1) & 0xff;
    return this.sendRequest(
      encodeEapAka({ kind: 'request', type: this.type, identifier: this.identifier, subtype, attributes }),
    );
  }

  private sendRequest(packet: Uint8Array): AkaServerStep {
    this.outstanding = packet;
    return this.flush(packet);
  }

  /** EAP-Success / EAP-Failure carry the Identifier of the Response they answer (RFC 3748 §4.2). */
  private finish(outcome: 'success' | 'failure'): AkaServerStep {
    this.phaseNow = outcome;
    const imsi = this.subscriber?.imsi;
    if (outcome === 'success') {
      const { msk, emsk } = this.challenge!.keys;
      this.events.push({ kind: 'success', imsi: imsi!, identity: this.identity!, msk, emsk });
    } else {
      this.events.push(
        imsi === undefined
          ? { kind: 'failure', reason: this.failureReason }
          : { kind: 'failure', reason: this.failureReason, imsi },
      );
    }
    return this.flush(encodeEap({ kind: outcome, identifier: this.identifier }));
  }

  private flush(send: Uint8Array): AkaServerStep {
    const events = this.events;
    this.events = [];
    return { send, events };
  }

  private discard(): AkaServerStep {
    this.stats.discarded++;
    return { events: [] };
  }

  private get method(): 'aka' | 'aka-prime' {
    return this.type === EapType.AKA_PRIME ? 'aka-prime' : 'aka';
  }

  /** AT_CHECKCODE hashes with SHA-1 for EAP-AKA, SHA-256 for EAP-AKA′ (RFC 5448 §3.4.1). */
  private get checkcodeHash(): 'sha1' | 'sha256' {
    return this.type === EapType.AKA_PRIME ? 'sha256' : 'sha1';
  }

  private randomBytes(n: number): Uint8Array {
    const b = this.config.random(n);
    if (b.length !== n) throw new RangeError(`random(${n}) returned ${b.length} bytes`);
    return b;
  }
}

/** EAP-AKA′ keys of a vector: CK′/IK′ with the network name and SQN ⊕ AK (AUTN's first 6 octets), then PRF′. */
function primeKeys(
  identity: Uint8Array,
  vector: { readonly ck: Uint8Array; readonly ik: Uint8Array; readonly autn: Uint8Array },
  networkName: string,
): ReturnType<typeof deriveAkaSessionKeys> {
  const { ckPrime, ikPrime } = deriveCkIkPrime(vector.ck, vector.ik, networkName, vector.autn.subarray(0, 6));
  const k = deriveEapAkaPrimeKeys(identity, ckPrime, ikPrime);
  return { kEncr: k.kEncr, kAut: k.kAut, msk: k.msk, emsk: k.emsk };
}
