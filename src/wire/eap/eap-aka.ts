/**
 * EAP-AKA packet helpers for the crypto layer: building a whole EAP-AKA packet, and locating AT_MAC in
 * the packet bytes as sent or received (RFC 4187 §10.15: the MAC covers the whole EAP packet with the
 * AT_MAC value field zeroed, so it is computed over the exact bytes, never over a re-encoding).
 */

import { copyBytes } from '../../util/bytes.ts';
import { WireError } from '../../util/errors.ts';
import { Reader } from '../../util/reader.ts';
import type { AkaAttribute } from './aka-attributes.ts';
import {
  AKA_ATTRIBUTE_UNIT_BYTES,
  AKA_MAC_BYTES,
  AkaAttributeType,
  EAP_REQUEST_HEADER_LENGTH,
  EapCode,
  EapType,
} from './constants.ts';
import { encodeEap } from './eap.ts';

export interface EapAkaMessage {
  readonly kind: 'request' | 'response';
  readonly identifier: number;
  /** EAP Type: 23 (EAP-AKA, the default) or 50 (EAP-AKA'). */
  readonly type?: typeof EapType.AKA | typeof EapType.AKA_PRIME;
  readonly subtype: number;
  readonly attributes: readonly AkaAttribute[];
}

/** Encodes an EAP-Request or EAP-Response carrying an EAP-AKA (or AKA') message. */
export function encodeEapAka(m: EapAkaMessage): Uint8Array {
  return encodeEap({
    kind: m.kind,
    identifier: m.identifier,
    body: { kind: 'aka', type: m.type ?? EapType.AKA, subtype: m.subtype, attributes: m.attributes },
  });
}

/**
 * Offset of the 16-byte MAC inside AT_MAC in an encoded EAP-AKA/AKA' packet, or undefined when the packet is
 * EAP-AKA without AT_MAC. Throws WireError for a packet that is not EAP-AKA/AKA', is malformed at the attribute
 * framing level, or has more than one AT_MAC (the MAC input would be ambiguous).
 */
export function akaMacOffset(eap: Uint8Array): number | undefined {
  const r = Reader.of(eap, 'eap');
  const code = r.u8('code');
  r.u8('identifier');
  const length = r.u16('length');
  if (code !== EapCode.REQUEST && code !== EapCode.RESPONSE) r.fail('BAD_VALUE', `EAP code ${code} has no Type`, 0);
  if (length < EAP_REQUEST_HEADER_LENGTH + 3) r.fail('BAD_LENGTH', `Length ${length} is too short for EAP-AKA`, 2);
  if (length > eap.length) r.fail('TRUNCATED', `Length ${length} exceeds the ${eap.length} bytes given`, 2);
  const type = r.u8('type');
  if (type !== EapType.AKA && type !== EapType.AKA_PRIME) r.fail('BAD_VALUE', `EAP Type ${type} is not EAP-AKA`, 4);
  const body = r.sub(length - EAP_REQUEST_HEADER_LENGTH, 'aka', 'eap-aka');
  body.skipBytes(3, 'subtype and reserved');
  let found: number | undefined;
  while (!body.atEnd()) {
    const at = body.absoluteOffset;
    const attrType = body.u8('attribute type');
    const units = body.u8('attribute length');
    if (units === 0) throw new WireError('BAD_LENGTH', 'eap-aka', at + 1, `attribute ${attrType}: length 0`);
    body.skipBytes(units * AKA_ATTRIBUTE_UNIT_BYTES - 2, `attribute ${attrType} value`);
    if (attrType !== AkaAttributeType.AT_MAC) continue;
    if (units !== 5) throw new WireError('BAD_LENGTH', 'eap-aka', at + 1, `AT_MAC: length ${units}, must be 5`);
    if (found !== undefined) throw new WireError('BAD_VALUE', 'eap-aka', at, 'more than one AT_MAC');
    found = at + 4; // Type, Length, 2 reserved bytes, then the MAC
  }
  return found;
}

/**
 * The MAC input of RFC 4187 §10.15: the EAP packet (its first Length bytes) with the AT_MAC value set to zero,
 * plus the MAC as it was in the packet. Undefined when the packet has no AT_MAC.
 */
export function akaMacInput(eap: Uint8Array): { readonly zeroed: Uint8Array; readonly mac: Uint8Array } | undefined {
  const at = akaMacOffset(eap);
  if (at === undefined) return undefined;
  const length = (eap[2]! << 8) | eap[3]!;
  const zeroed = copyBytes(eap, 0, length);
  const mac = copyBytes(zeroed, at, at + AKA_MAC_BYTES);
  zeroed.fill(0, at, at + AKA_MAC_BYTES);
  return { zeroed, mac };
}
