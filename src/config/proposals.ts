/**
 * IKE and ESP proposals written as strongSwan-style strings (`aes256gcm16-prfsha256-x25519-ecp256`,
 * `aes128-sha256-modp2048`), parsed into the engine's proposal shapes (src/ike/config.ts). Only the transforms this
 * implementation offers are accepted, so an unsupported algorithm stops the program at start-up, not in IKE_SA_INIT.
 */
import type { EncrChoice, EspProposalConfig, IkeProposalConfig } from '../ike/config.ts';
import { DhGroup, EncrId, IntegId, PrfId } from '../wire/ike/constants.ts';
import { LeafError, leaf } from './scalars.ts';

const ENCR: Readonly<Record<string, EncrChoice>> = {
  aes128: { id: EncrId.AES_CBC, keyLengthBits: 128 },
  aes192: { id: EncrId.AES_CBC, keyLengthBits: 192 },
  aes256: { id: EncrId.AES_CBC, keyLengthBits: 256 },
  aes128gcm16: { id: EncrId.AES_GCM_16, keyLengthBits: 128 },
  aes192gcm16: { id: EncrId.AES_GCM_16, keyLengthBits: 192 },
  aes256gcm16: { id: EncrId.AES_GCM_16, keyLengthBits: 256 },
  aes128gcm: { id: EncrId.AES_GCM_16, keyLengthBits: 128 },
  aes256gcm: { id: EncrId.AES_GCM_16, keyLengthBits: 256 },
};

const INTEG: Readonly<Record<string, number>> = {
  sha1: IntegId.HMAC_SHA1_96,
  sha256: IntegId.HMAC_SHA2_256_128,
};

const PRF: Readonly<Record<string, number>> = {
  prfsha1: PrfId.HMAC_SHA1,
  prfsha256: PrfId.HMAC_SHA2_256,
  prfsha384: PrfId.HMAC_SHA2_384,
  prfsha512: PrfId.HMAC_SHA2_512,
};

/** The PRF strongSwan pairs with an integrity algorithm when a proposal names none (same hash). */
const PRF_OF_INTEG: Readonly<Record<number, number>> = {
  [IntegId.HMAC_SHA1_96]: PrfId.HMAC_SHA1,
  [IntegId.HMAC_SHA2_256_128]: PrfId.HMAC_SHA2_256,
};

const DH: Readonly<Record<string, number>> = {
  modp1024: DhGroup.MODP_1024,
  modp2048: DhGroup.MODP_2048,
  modp3072: DhGroup.MODP_3072,
  ecp256: DhGroup.ECP_256,
  x25519: DhGroup.CURVE25519,
  curve25519: DhGroup.CURVE25519,
};

const ESN: Readonly<Record<string, boolean>> = { esn: true, noesn: false };

interface Parts {
  encr: EncrChoice[];
  integ: number[];
  prf: number[];
  dh: number[];
  esn: boolean[];
}

function split(text: string, allowPrf: boolean, allowEsn: boolean): Parts {
  const parts: Parts = { encr: [], integ: [], prf: [], dh: [], esn: [] };
  for (const raw of text.split('-')) {
    const t = raw.trim().toLowerCase();
    const add = <T>(list: T[], v: T) => {
      if (!list.includes(v)) list.push(v);
    };
    if (ENCR[t]) add(parts.encr, ENCR[t]);
    else if (INTEG[t] !== undefined) add(parts.integ, INTEG[t]);
    else if (allowPrf && PRF[t] !== undefined) add(parts.prf, PRF[t]);
    else if (DH[t] !== undefined) add(parts.dh, DH[t]);
    else if (allowEsn && ESN[t] !== undefined) add(parts.esn, ESN[t]);
    else throw new LeafError(`unknown or unsupported algorithm "${raw}" in "${text}" (${known(allowPrf, allowEsn)})`);
  }
  if (parts.encr.length === 0) throw new LeafError(`"${text}" names no encryption algorithm`);
  const aead = parts.encr.filter((e) => e.id === EncrId.AES_GCM_16).length;
  // RFC 7296 §3.3: a proposal with an AEAD cipher offers no INTEG transform (RFC 5282 §8), so the two kinds
  // cannot share one proposal; a cipher without integrity of its own needs one (RFC 7296 §3.3.3).
  if (aead > 0 && aead < parts.encr.length) throw new LeafError(`"${text}" mixes AEAD and non-AEAD ciphers`);
  if (aead > 0 && parts.integ.length > 0) throw new LeafError(`"${text}": an AEAD cipher takes no integrity algorithm`);
  if (aead === 0 && parts.integ.length === 0) throw new LeafError(`"${text}" needs an integrity algorithm`);
  return parts;
}

function known(allowPrf: boolean, allowEsn: boolean): string {
  const lists = [Object.keys(ENCR), Object.keys(INTEG), allowPrf ? Object.keys(PRF) : [], Object.keys(DH)];
  if (allowEsn) lists.push(Object.keys(ESN));
  return `supported: ${lists.flat().join(', ')}`;
}

export function parseIkeProposal(text: string): IkeProposalConfig {
  const p = split(text, true, false);
  // RFC 7296 §1.2: IKE_SA_INIT always runs a Diffie-Hellman exchange.
  if (p.dh.length === 0) throw new LeafError(`"${text}" needs a Diffie-Hellman group`);
  const prf = p.prf.length > 0 ? p.prf : p.integ.map((i) => PRF_OF_INTEG[i]!);
  if (prf.length === 0) throw new LeafError(`"${text}": an AEAD proposal must name its PRF (e.g. prfsha256)`);
  return { encr: p.encr, integ: p.integ, prf, dh: p.dh };
}

/** `dh` empty = no PFS for the child SA; ESN defaults to "no" (RFC 4303 §2.2.1 needs both sides to agree). */
export function parseEspProposal(text: string): EspProposalConfig {
  const p = split(text, false, true);
  return { encr: p.encr, integ: p.integ, dh: p.dh, esn: p.esn.length > 0 ? p.esn : [false] };
}

export const ikeProposal = leaf('an IKE proposal (e.g. aes256gcm16-prfsha256-x25519)', (v) =>
  typeof v === 'string' ? parseIkeProposal(v.trim()) : undefined,
);

export const espProposal = leaf('an ESP proposal (e.g. aes256gcm16, aes128-sha256)', (v) =>
  typeof v === 'string' ? parseEspProposal(v.trim()) : undefined,
);
