/**
 * AUTH payload computation for the IKE_AUTH tasks (RFC 7296 §2.15, §2.16): the signed octets of each side, and the
 * shared-key AUTH keyed with the EAP MSK that both sides send after EAP success.
 */
import { timingSafeEqual } from 'node:crypto';
import { buildSignedOctets, computeSharedKeyAuth } from '../crypto/ike-prf.ts';
import { AuthMethod } from '../wire/ike/constants.ts';
import { readIdentity } from '../wire/ike/identity.ts';
import type { AuthPayload, IdPayload } from '../wire/ike/payload.ts';
import type { IkeSa } from './ike-sa.ts';
import { idBody } from './payloads.ts';

/**
 * InitiatorSignedOctets = RealMessage1 ‖ NonceRData ‖ prf(SK_pi, IDi'), ResponderSignedOctets = RealMessage2 ‖
 * NonceIData ‖ prf(SK_pr, IDr') (RFC 7296 §2.15); IDi'/IDr' are the latest ID payloads (RFC 4739 §2.1).
 */
export function signedOctets(
  sa: IkeSa,
  side: 'initiator' | 'responder',
  id: IdPayload | { idType: number; data: Uint8Array },
): Uint8Array {
  const { keys, suite, initRequest, initResponse, ni, nr } = sa;
  if (!keys || !suite || !initRequest || !initResponse || !ni || !nr) throw new RangeError('AUTH before IKE_SA_INIT');
  return side === 'initiator'
    ? buildSignedOctets(suite.prf, initRequest, nr, keys.skPi, idBody(id))
    : buildSignedOctets(suite.prf, initResponse, ni, keys.skPr, idBody(id));
}

/** AUTH (Shared Key Message Integrity Code) keyed with the MSK of the EAP round (RFC 7296 §2.16). */
export function mskAuth(sa: IkeSa, msk: Uint8Array, octets: Uint8Array): AuthPayload {
  if (!sa.suite) throw new RangeError('AUTH before IKE_SA_INIT');
  return { kind: 'auth', method: AuthMethod.SHARED_KEY_MIC, data: computeSharedKeyAuth(sa.suite.prf, msk, octets) };
}

/** Constant-time check of a received MSK AUTH. */
export function verifyMskAuth(sa: IkeSa, msk: Uint8Array, octets: Uint8Array, received: AuthPayload): boolean {
  if (received.method !== AuthMethod.SHARED_KEY_MIC) return false;
  const want = mskAuth(sa, msk, octets).data;
  return want.length === received.data.length && timingSafeEqual(want, received.data);
}

/** A printable form of an ID payload for events and the EAP server (hex for binary types). */
export function identityText(id: { readonly idType: number; readonly data: Uint8Array }): string {
  try {
    const v = readIdentity(id);
    switch (v.kind) {
      case 'fqdn':
        return v.name;
      case 'rfc822':
        return v.address;
      case 'ipv4':
      case 'ipv6':
        return v.address.toString();
      default:
        break;
    }
  } catch {
    // fall through to hex
  }
  return Buffer.from(id.data).toString('hex');
}
