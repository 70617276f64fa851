/**
 * Key material of IKE and Child SAs from a negotiated suite (RFC 7296 §2.13, §2.14, §2.17, §2.18).
 */
import {
  type ChildSaKeys,
  computeRekeySkeyseed,
  computeSkeyseed,
  deriveChildSaKeys,
  deriveIkeSaKeys,
  type IkeSaKeys,
} from '../crypto/ike-prf.ts';
import type { PrfTransform } from '../crypto/transforms.ts';
import type { ChildSuite, IkeSuite } from './proposal.ts';

export interface Nonces {
  readonly ni: Uint8Array;
  readonly nr: Uint8Array;
}

export interface Spis {
  readonly spiI: Uint8Array;
  readonly spiR: Uint8Array;
}

/** The seven IKE SA keys of the initial exchange: SKEYSEED = prf(Ni ‖ Nr, g^ir) (RFC 7296 §2.14). */
export function deriveInitialIkeKeys(suite: IkeSuite, sharedSecret: Uint8Array, nonces: Nonces, spis: Spis): IkeSaKeys {
  const skeyseed = computeSkeyseed(suite.prf, nonces.ni, nonces.nr, sharedSecret);
  return deriveIkeSaKeys(suite.prf, skeyseed, nonces, spis, {
    integKeyLength: suite.integ?.keyLength ?? 0,
    encrKeymatLength: suite.encr.keymatLength,
  });
}

/**
 * Keys of a rekeyed IKE SA: SKEYSEED = prf(SK_d (old), g^ir (new) ‖ Ni ‖ Nr) with the old SA's PRF, then the key
 * split with the new SA's PRF, nonces and SPIs (RFC 7296 §2.18).
 */
export function deriveRekeyedIkeKeys(
  oldPrf: PrfTransform,
  oldSkD: Uint8Array,
  suite: IkeSuite,
  sharedSecret: Uint8Array,
  nonces: Nonces,
  spis: Spis,
): IkeSaKeys {
  const skeyseed = computeRekeySkeyseed(oldPrf, oldSkD, sharedSecret, nonces.ni, nonces.nr);
  return deriveIkeSaKeys(suite.prf, skeyseed, nonces, spis, {
    integKeyLength: suite.integ?.keyLength ?? 0,
    encrKeymatLength: suite.encr.keymatLength,
  });
}

/**
 * KEYMAT of an ESP SA pair: prf+(SK_d, [g^ir (new) ‖] Ni ‖ Nr), initiator→responder first (RFC 7296 §2.17). Ni
 * and Nr are the nonces of the exchange that created the Child SA; "initiator" is that exchange's initiator.
 */
export function deriveChildKeys(
  prf: PrfTransform,
  skD: Uint8Array,
  suite: ChildSuite,
  nonces: Nonces,
  pfsSharedSecret?: Uint8Array,
): ChildSaKeys {
  return deriveChildSaKeys(
    prf,
    skD,
    nonces,
    { integKeyLength: suite.integ?.keyLength ?? 0, encrKeymatLength: suite.encr.keymatLength },
    pfsSharedSecret,
  );
}
