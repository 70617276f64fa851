/**
 * A passive task that runs before IKE_AUTH's own tasks and refuses a new EAP conversation when its identity or its
 * source address has used up its token bucket (src/ike/limits.ts). Each EAP-AKA challenge costs an authentication
 * vector and advances the subscriber's SQN (TS 33.102 §6.3.2), and an IKE_AUTH needs no credential to start one:
 * the IKE_AUTH request is all an attacker must send (RFC 7296 §2.16). The identity is checked when it becomes known:
 * the IDi of the first request, and again an AT_IDENTITY in an EAP-Response/AKA-Identity (RFC 4187 §4.1.4) when it
 * names someone else, before the EAP server sees it.
 *
 * The refusal is AUTHENTICATION_FAILED in the protected response (RFC 7296 §2.21.2: every error that makes
 * IKE_AUTH fail "SHOULD result in an AUTHENTICATION_FAILED notification", and only it ends the IKE SA without a
 * Delete; a new notify "MUST NOT" be used unless the peer showed it understands it). docs/spec-choices.md IKE-L3.
 */

import { AkaSubtype, decodeEap, EapType, findAkaAttribute } from '../../wire/eap/index.ts';
import { NotifyType } from '../../wire/ike/constants.ts';
import { identityText } from '../auth.ts';
import { IkeProtocolError } from '../errors.ts';
import type { IkeSa } from '../ike-sa.ts';
import type { LimitName } from '../limits.ts';
import { findPayload } from '../payloads.ts';
import type { InboundMessage, PassiveTask } from '../task.ts';
import type { TokenBuckets } from '../token-bucket.ts';

export interface EapGateConfig {
  readonly perIdentity: TokenBuckets;
  readonly perSource: TokenBuckets;
  /** The key an identity is limited under (e.g. the IMSI of an EAP-AKA NAI); default the text itself. */
  readonly identityKey: (identity: string) => string;
  /** Counts a refusal. */
  readonly refused: (limit: LimitName) => void;
}

const decoder = new TextDecoder();

export class EapChallengeGate implements PassiveTask {
  readonly name = 'eap-challenge-gate';
  private readonly charged = new Set<string>();
  private sourceCharged = false;

  constructor(private readonly config: EapGateConfig) {}

  process(sa: IkeSa, msg: InboundMessage): void {
    const now = sa.services.now;
    const idi = findPayload(msg.payloads, 'idi');
    const auth = findPayload(msg.payloads, 'auth');
    if (idi && !auth) {
      // A new EAP conversation (the first round, or an RFC 4739 second round).
      if (!this.sourceCharged) {
        this.sourceCharged = true;
        if (!this.config.perSource.take(msg.path.remoteAddr.toString(), now)) this.refuse(sa, 'eap-per-source');
      }
      this.chargeIdentity(sa, identityText(idi), now);
      return;
    }
    const eap = findPayload(msg.payloads, 'eap');
    const identity = eap && akaIdentityOf(eap.data);
    if (identity !== undefined) this.chargeIdentity(sa, identity, now);
  }

  build(sa: IkeSa): 'done' | 'again' {
    return sa.state === 'authenticating' ? 'again' : 'done';
  }

  private chargeIdentity(sa: IkeSa, identity: string, now: number): void {
    const key = this.config.identityKey(identity);
    if (this.charged.has(key)) return;
    this.charged.add(key);
    if (!this.config.perIdentity.take(key, now)) this.refuse(sa, 'eap-per-identity');
  }

  private refuse(sa: IkeSa, limit: LimitName): never {
    this.config.refused(limit);
    // The teardown reason names the limit (the first reason recorded wins over the generic `sent-notify-24`).
    sa.markTeardown('failed', `limit-${limit}`, NotifyType.AUTHENTICATION_FAILED);
    throw new IkeProtocolError(NotifyType.AUTHENTICATION_FAILED, `limit-${limit}`);
  }
}

/** AT_IDENTITY of an EAP-Response/AKA-Identity (RFC 4187 §9.2, RFC 5448 §3 for AKA′), as text; else undefined. */
function akaIdentityOf(eap: Uint8Array): string | undefined {
  try {
    const p = decodeEap(eap);
    if (p.kind !== 'response' || p.body.kind !== 'aka') return undefined;
    if (p.body.type !== EapType.AKA && p.body.type !== EapType.AKA_PRIME) return undefined;
    if (p.body.subtype !== AkaSubtype.IDENTITY) return undefined;
    const id = findAkaAttribute(p.body.attributes, 'identity');
    return id ? decoder.decode(id.identity) : undefined;
  } catch {
    return undefined; // the EAP server discards what does not parse (RFC 3748 §4)
  }
}
