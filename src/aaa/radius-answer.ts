/**
 * Building an Access-Request for one EAP round and reading the answer (RFC 3579 §2, §3; RFC 2865 §4, §5). Pure
 * functions; radius-client.ts owns identifiers, timers and servers.
 */

import { isWireError } from '../util/errors.ts';
import { EapCode } from '../wire/eap/constants.ts';
import {
  attributeInteger,
  attributeText,
  eapMessageAttributes,
  findAttribute,
  findAttributes,
  findMppeKeys,
  integerAttribute,
  messageAuthenticatorPlaceholder,
  nasAddressAttribute,
  octetsAttribute,
  type RadiusAttribute,
  RadiusCode,
  RadiusNasPortType,
  type RadiusPacket,
  RadiusServiceType,
  reassembleEap,
  RadiusAttributeType as T,
  textAttribute,
} from '../wire/radius/index.ts';
import type { RadiusOutcome } from './radius-client-types.ts';

export interface AccessRequestFields {
  readonly identity: string;
  readonly eap: Uint8Array;
  readonly state?: Uint8Array;
  readonly callingStationId?: string;
  readonly nasIdentifier?: string;
  readonly nasAddress?: string;
}

/**
 * The attributes of an Access-Request carrying EAP. Message-Authenticator comes first (BlastRADIUS mitigation:
 * the HMAC covers everything after it, and a server can reject a packet that lacks it before parsing the rest);
 * RFC 3579 §3.2 requires it in every Access-Request with EAP-Message.
 */
export function accessRequestAttributes(f: AccessRequestFields): RadiusAttribute[] {
  const out: RadiusAttribute[] = [messageAuthenticatorPlaceholder(), textAttribute(T.USER_NAME, f.identity)];
  // RFC 2865 §4.1: an Access-Request MUST carry NAS-IP-Address or NAS-Identifier (or NAS-IPv6-Address, RFC 3162).
  if (f.nasAddress) out.push(nasAddressAttribute(f.nasAddress));
  if (f.nasIdentifier || !f.nasAddress) out.push(textAttribute(T.NAS_IDENTIFIER, f.nasIdentifier ?? 'dsmip-ha'));
  out.push(integerAttribute(T.SERVICE_TYPE, RadiusServiceType.FRAMED));
  out.push(integerAttribute(T.NAS_PORT_TYPE, RadiusNasPortType.VIRTUAL));
  if (f.callingStationId) out.push(textAttribute(T.CALLING_STATION_ID, f.callingStationId));
  // RFC 2865 §5.24: State from an Access-Challenge is sent back unmodified in the next Access-Request.
  if (f.state) out.push(octetsAttribute(T.STATE, f.state));
  out.push(...eapMessageAttributes(f.eap));
  return out;
}

/** What an authenticated answer means, plus the State to keep for the session's next round. */
export function interpretAnswer(
  answer: RadiusPacket,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
  requestEap: Uint8Array,
  keylessSuccess = false,
): { readonly outcome: RadiusOutcome; readonly state?: Uint8Array } {
  let eap: Uint8Array | undefined;
  try {
    eap = reassembleEap(answer);
  } catch (e) {
    if (!isWireError(e)) throw e;
    return { outcome: { kind: 'failure', reason: 'bad-answer', detail: `EAP-Message: ${e.detail}` } };
  }
  if (answer.code === RadiusCode.ACCESS_CHALLENGE) {
    // RFC 3579 §2.6.3: an Access-Challenge of an EAP conversation carries the next EAP Request.
    if (!eap || eap[0] !== EapCode.REQUEST) {
      return { outcome: { kind: 'failure', reason: 'bad-answer', detail: 'Access-Challenge without an EAP Request' } };
    }
    const state = findAttribute(answer, T.STATE);
    return { outcome: { kind: 'continue', eap }, ...(state ? { state } : {}) };
  }
  if (answer.code === RadiusCode.ACCESS_REJECT) {
    const reply = attributeText(answer, T.REPLY_MESSAGE);
    return {
      outcome: {
        kind: 'failure',
        reason: 'rejected',
        detail: reply ? `Access-Reject: ${reply}` : 'Access-Reject',
        ...(eap ? { eap } : {}),
      },
    };
  }
  // Access-Accept: the MSK comes as MS-MPPE-Recv-Key ‖ MS-MPPE-Send-Key (hostapd's radius_server.c sends the first
  // 32 octets of the MSK as Recv-Key; strongSwan's eap-radius joins them in that order).
  let keys: ReturnType<typeof findMppeKeys>;
  try {
    keys = findMppeKeys(answer, secret, requestAuthenticator);
  } catch (e) {
    if (!isWireError(e)) throw e;
    return { outcome: { kind: 'failure', reason: 'bad-answer', detail: `MS-MPPE key: ${e.detail}` } };
  }
  if (!keys && !keylessSuccess)
    return { outcome: { kind: 'failure', reason: 'bad-answer', detail: 'Access-Accept without MS-MPPE keys' } };
  let msk: Uint8Array | undefined;
  if (keys) {
    msk = new Uint8Array(keys.recv.length + keys.send.length);
    msk.set(keys.recv);
    msk.set(keys.send, keys.recv.length);
  }
  const identity = attributeText(answer, T.USER_NAME);
  const sessionTimeoutSec = attributeInteger(answer, T.SESSION_TIMEOUT);
  return {
    outcome: {
      kind: 'success',
      // RFC 3579 §2.6.3: the Access-Accept carries EAP-Success; an Accept without one is answered as if it did.
      eap: eap ?? Uint8Array.of(EapCode.SUCCESS, requestEap[1] ?? 0, 0, 4),
      ...(msk ? { msk } : {}),
      ...(identity ? { identity } : {}),
      ...(sessionTimeoutSec !== undefined ? { sessionTimeoutSec } : {}),
      classes: findAttributes(answer, T.CLASS),
    },
  };
}
