/**
 * Mobility option alignment, `xn+y`: the option's Type byte sits at an offset ≡ y (mod x) from the start
 * of the Mobility Header, so that its multi-octet fields fall on natural boundaries (RFC 6275 §6.2.1,
 * following RFC 8200 §4.2). This table is the only place the rule lives; the emitter pads to it.
 */
import type { MobilityOption } from './options.ts';

export interface Alignment {
  /** Modulus: 1 (no requirement), 2, 4 or 8. */
  readonly x: 1 | 2 | 4 | 8;
  /** Remainder, 0 ≤ y < x. */
  readonly y: number;
}

/** Row key: an option kind, with the Binding Identifier split by whether it carries a care-of address. */
export type AlignmentKey = MobilityOption['kind'] | 'binding-identifier-with-care-of-address';

export const OPTION_ALIGNMENT: { readonly [K in AlignmentKey]: Alignment } = {
  'binding-refresh-advice': { x: 2, y: 0 }, // type 2, RFC 6275 §6.2.4
  'alternate-care-of-address': { x: 8, y: 6 }, // type 3, RFC 6275 §6.2.5: the address starts 8-aligned
  'nonce-indices': { x: 2, y: 0 }, // type 4, RFC 6275 §6.2.6
  // Type 5, RFC 6275 §6.2.7: no requirement as such, but it must be last with no trailing padding,
  // which the RFC spells as the implicit 8n+2 (with the 12-octet RR authenticator it then ends 8-aligned).
  'binding-authorization-data': { x: 8, y: 2 },
  'mobile-network-prefix': { x: 8, y: 4 }, // type 6, RFC 3963 §4.3: the prefix starts 8-aligned
  // Type 17, RFC 5026 §8.1 states no requirement and every field is one octet (Status, flags, then
  // the FQDN bytes), so natural alignment asks for nothing.
  'dns-update': { x: 1, y: 0 },
  'ipv4-home-address': { x: 4, y: 0 }, // type 29, RFC 5555 §3.1.1
  'ipv4-address-acknowledgement': { x: 4, y: 0 }, // type 30, RFC 5555 §3.2.1
  'nat-detection': { x: 4, y: 0 }, // type 31, RFC 5555 §3.2.2
  'ipv4-care-of-address': { x: 4, y: 0 }, // type 32, RFC 5555 §3.1.2
  // Type 35, RFC 5648 §4.3 states both: 2n without the Care-of Address field, 8n+2 with it (either family).
  'binding-identifier': { x: 2, y: 0 },
  'binding-identifier-with-care-of-address': { x: 8, y: 2 },
  // We cannot know an unregistered option's needs; its bytes are re-emitted unpadded.
  unknown: { x: 1, y: 0 },
};

export function optionAlignment(o: MobilityOption): Alignment {
  if (o.kind === 'binding-identifier' && o.careOfAddress !== undefined) {
    return OPTION_ALIGNMENT['binding-identifier-with-care-of-address'];
  }
  return OPTION_ALIGNMENT[o.kind];
}

/** Octets of padding that move `offset` (from the MH start) to the next position ≡ y (mod x). */
export function paddingBefore(a: Alignment, offset: number): number {
  return (a.y - offset) & (a.x - 1);
}
