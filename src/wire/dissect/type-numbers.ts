import { type Dhcpv4Message, dhcpv4OptionCode } from '../dhcpv4/index.ts';
import { type Dhcpv6Message, type Dhcpv6Option, dhcpv6OptionCode } from '../dhcpv6/index.ts';
import { akaAttributeType, type EapPacket } from '../eap/index.ts';
import { cpAttributeType, type IkePayload, payloadType } from '../ike/index.ts';
import { ndOptionType } from '../ip/nd-options.ts';
import type { RouterAdvertisement } from '../ip/router-advertisement.ts';
import { MH_TYPE_OF_KIND, type MobilityMessage, mobilityOptionType } from '../mh/index.ts';
import { type Pco, pcoItemId } from '../pco/index.ts';

/**
 * Decoded values name options by `kind`; a reader of `dsmip decode` also wants the number on the wire.
 * These functions return display copies with `type` (or `code`) first in every option, payload and attribute.
 */

function typed<T extends object>(items: readonly T[], typeOf: (x: T) => number, key = 'type'): object[] {
  return items.map((x) => ({ [key]: typeOf(x), ...x }));
}

export function mhWithTypes(m: MobilityMessage): object {
  const mhType = m.kind === 'unknown' ? m.type : MH_TYPE_OF_KIND[m.kind];
  return { mhType, ...m, ...('options' in m ? { options: typed(m.options, mobilityOptionType) } : {}) };
}

/** A payload chain, from a message or from a decrypted SK payload. */
export function ikePayloadsWithTypes(payloads: readonly IkePayload[]): Record<string, unknown>[] {
  return payloads.map((p) => ({
    type: payloadType(p),
    ...p,
    ...(p.kind === 'cp' ? { attributes: typed(p.attributes, cpAttributeType) } : {}),
  }));
}

export function eapWithTypes(p: EapPacket): object {
  if ((p.kind !== 'request' && p.kind !== 'response') || p.body.kind !== 'aka') return p;
  return { ...p, body: { ...p.body, attributes: typed(p.body.attributes, akaAttributeType) } };
}

export function dhcpv6WithTypes(m: Dhcpv6Message): object {
  return { ...m, options: dhcpv6Options(m.options) };
}

function dhcpv6Options(options: readonly Dhcpv6Option[]): object[] {
  return options.map((o) => {
    const nested =
      o.kind === 'relay-message'
        ? { message: dhcpv6WithTypes(o.message) }
        : 'options' in o
          ? { options: dhcpv6Options(o.options) }
          : {};
    return { code: dhcpv6OptionCode(o), ...o, ...nested };
  });
}

export function dhcpv4WithTypes(m: Dhcpv4Message): object {
  return { ...m, options: typed(m.options, dhcpv4OptionCode, 'code') };
}

export function pcoWithTypes(p: Pco): object {
  return { ...p, items: typed(p.items, pcoItemId, 'id') };
}

export function routerAdvertisementWithTypes(ra: RouterAdvertisement): object {
  return { ...ra, options: typed(ra.options, ndOptionType) };
}
