import { WireError } from '../../util/errors.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { IdType } from './constants.ts';

/**
 * Typed views of Identification data (RFC 7296 §3.5). The ID payload itself keeps `idType` + raw bytes
 * (AUTH is computed over them, RFC 7296 §2.15); these helpers read and build the common types.
 */
export type Identity =
  | { readonly kind: 'ipv4'; readonly address: Ipv4Address }
  | { readonly kind: 'ipv6'; readonly address: Ipv6Address }
  | { readonly kind: 'fqdn'; readonly name: string }
  /** RFC 822 address or an NAI with a realm (RFC 7296 §3.5 prefers this type for NAIs). */
  | { readonly kind: 'rfc822'; readonly address: string }
  | { readonly kind: 'key-id'; readonly data: Uint8Array }
  | { readonly kind: 'other'; readonly idType: number; readonly data: Uint8Array };

export interface IdentityData {
  readonly idType: number;
  readonly data: Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** "MUST NOT contain any terminators (e.g., NULL, CR, etc.)" (RFC 7296 §3.5): no C0 controls or DEL. */
function checkNoControls(data: Uint8Array, what: string): void {
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c < 0x20 || c === 0x7f) throw new WireError('BAD_VALUE', 'ike', i, `${what} contains control byte ${c}`);
  }
}

/** Reads an identity; a wrong address length or an undecodable string is a WireError (offsets within `data`). */
export function readIdentity(id: IdentityData): Identity {
  const { idType, data } = id;
  switch (idType) {
    case IdType.IPV4_ADDR:
      if (data.length !== 4) throw new WireError('BAD_LENGTH', 'ike', 0, `ID_IPV4_ADDR of ${data.length} bytes`);
      return { kind: 'ipv4', address: Ipv4Address.fromBytes(data) };
    case IdType.IPV6_ADDR:
      if (data.length !== 16) throw new WireError('BAD_LENGTH', 'ike', 0, `ID_IPV6_ADDR of ${data.length} bytes`);
      return { kind: 'ipv6', address: Ipv6Address.fromBytes(data) };
    case IdType.FQDN:
      // ASCII only (RFC 7296 §3.5; IDNs arrive as A-labels).
      for (let i = 0; i < data.length; i++) {
        if (data[i]! >= 0x80) throw new WireError('BAD_VALUE', 'ike', i, 'ID_FQDN is not ASCII');
      }
      checkNoControls(data, 'ID_FQDN');
      return { kind: 'fqdn', name: utf8.decode(data) };
    case IdType.RFC822_ADDR: {
      // Treated as UTF-8 (RFC 7296 §3.5, because of EAI).
      checkNoControls(data, 'ID_RFC822_ADDR');
      let address: string;
      try {
        address = utf8.decode(data);
      } catch {
        throw new WireError('BAD_VALUE', 'ike', 0, 'ID_RFC822_ADDR is not UTF-8');
      }
      return { kind: 'rfc822', address };
    }
    case IdType.KEY_ID:
      return { kind: 'key-id', data };
    default:
      return { kind: 'other', idType, data };
  }
}

/** Builds ID Type + data for an identity (the inverse of `readIdentity`). */
export function identityData(identity: Identity): IdentityData {
  switch (identity.kind) {
    case 'ipv4':
      return { idType: IdType.IPV4_ADDR, data: identity.address.bytes };
    case 'ipv6':
      return { idType: IdType.IPV6_ADDR, data: identity.address.bytes };
    case 'fqdn':
      if (!/^[\x20-\x7e]*$/.test(identity.name)) throw new RangeError('ID_FQDN must be printable ASCII');
      return { idType: IdType.FQDN, data: utf8Encoder.encode(identity.name) };
    case 'rfc822':
      return { idType: IdType.RFC822_ADDR, data: utf8Encoder.encode(identity.address) };
    case 'key-id':
      return { idType: IdType.KEY_ID, data: identity.data };
    case 'other':
      return { idType: identity.idType, data: identity.data };
  }
}
