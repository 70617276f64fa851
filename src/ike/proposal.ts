/**
 * SA payload negotiation (RFC 7296 §2.7, §3.3): building offers from configuration, choosing one proposal as
 * responder, and checking the responder's choice as initiator.
 */
import {
  type EncrTransform,
  encrTransform,
  type IntegTransform,
  integTransform,
  type PrfTransform,
  prfTransform,
} from '../crypto/transforms.ts';
import { EncrId, IntegId, ProtocolId, TransformType } from '../wire/ike/constants.ts';
import { type Proposal, type Transform, transform, transformKeyLength } from '../wire/ike/sa.ts';
import type { EncrChoice, EspProposalConfig, IkeProposalConfig } from './config.ts';

/** The transforms of an IKE SA. */
export interface IkeSuite {
  readonly encr: EncrTransform;
  /** Absent with an AEAD cipher (RFC 5282 §8). */
  readonly integ: IntegTransform | undefined;
  readonly prf: PrfTransform;
  readonly dhGroup: number;
}

/** The transforms of an ESP Child SA. */
export interface ChildSuite {
  readonly encr: EncrTransform;
  readonly integ: IntegTransform | undefined;
  /** The PFS group, or undefined without PFS. */
  readonly dhGroup: number | undefined;
  readonly esn: boolean;
}

export const isAead = (encrId: number): boolean => encrId === EncrId.AES_GCM_16;

function encrTransforms(choices: readonly EncrChoice[]): Transform[] {
  return choices.map((c) => transform(TransformType.ENCR, c.id, c.keyLengthBits));
}

/** IKE proposals numbered 1, 2, … with `spi` (empty in IKE_SA_INIT, 8 bytes when rekeying, RFC 7296 §3.3.1). */
export function buildIkeProposals(configs: readonly IkeProposalConfig[], spi: Uint8Array): Proposal[] {
  return configs.map((c, i) => ({
    number: i + 1,
    protocolId: ProtocolId.IKE,
    spi,
    transforms: [
      ...encrTransforms(c.encr),
      ...c.prf.map((id) => transform(TransformType.PRF, id)),
      ...c.integ.map((id) => transform(TransformType.INTEG, id)),
      ...c.dh.map((id) => transform(TransformType.DH, id)),
    ],
  }));
}

/** ESP proposals with our inbound SPI; ESN is always listed, as ESP requires (RFC 7296 §3.3.3). */
export function buildEspProposals(configs: readonly EspProposalConfig[], spi: Uint8Array): Proposal[] {
  return configs.map((c, i) => ({
    number: i + 1,
    protocolId: ProtocolId.ESP,
    spi,
    transforms: [
      ...encrTransforms(c.encr),
      ...c.integ.map((id) => transform(TransformType.INTEG, id)),
      ...c.dh.map((id) => transform(TransformType.DH, id)),
      ...c.esn.map((on) => transform(TransformType.ESN, on ? 1 : 0)),
    ],
  }));
}

const KNOWN_TYPES: ReadonlySet<number> = new Set(Object.values(TransformType));

function offeredOfType(p: Proposal, type: number): Transform[] {
  return p.transforms.filter((t) => t.type === type);
}

/**
 * The first local ENCR choice the peer offered with the same Key Length (RFC 7296 §3.3.5) for which an integrity
 * choice exists too (an AEAD cipher needs none, any other cipher one, RFC 5282 §8).
 */
function pickEncr(
  p: Proposal,
  local: readonly EncrChoice[],
  localInteg: readonly number[],
): { encr: EncrChoice; integ: number | undefined } | undefined {
  const offered = offeredOfType(p, TransformType.ENCR);
  for (const c of local) {
    if (!offered.some((t) => t.id === c.id && transformKeyLength(t) === c.keyLengthBits)) continue;
    const integ = pickInteg(p, c.id, localInteg);
    if (integ !== null) return { encr: c, integ };
  }
  return undefined;
}

function pickIds(p: Proposal, type: number, local: readonly number[]): number[] {
  const offered = offeredOfType(p, type).filter((t) => t.attributes.length === 0);
  return local.filter((id) => offered.some((t) => t.id === id));
}

/**
 * INTEG for `encr`: with an AEAD cipher only "none" is acceptable (no INTEG transform, or only INTEG NONE);
 * otherwise the first local choice offered. `null` = no acceptable integrity.
 */
function pickInteg(p: Proposal, encrId: number, local: readonly number[]): number | undefined | null {
  const offered = offeredOfType(p, TransformType.INTEG);
  if (isAead(encrId)) {
    return offered.every((t) => t.id === IntegId.NONE) ? undefined : null;
  }
  return pickIds(p, TransformType.INTEG, local)[0] ?? null;
}

/** A responder's candidate: the proposal it answers and the DH groups it could run, best first. */
export interface IkeSelection {
  readonly number: number;
  readonly encr: EncrChoice;
  readonly integ: number | undefined;
  readonly prf: number;
  /** Groups both sides accept, in local preference order (never empty). */
  readonly dhGroups: readonly number[];
  /** The SPI of the chosen proposal: empty in IKE_SA_INIT, the peer's new SPI in a rekey (RFC 7296 §2.18). */
  readonly peerSpi: Uint8Array;
}

/**
 * Chooses an IKE proposal, preferring the local order (RFC 7296 §2.7 leaves the choice to the responder). A
 * proposal with a transform type we do not know is rejected as a whole (RFC 7296 §3.3.6); so is one with ESN.
 */
export function selectIkeProposal(
  offered: readonly Proposal[],
  local: readonly IkeProposalConfig[],
): IkeSelection | undefined {
  for (const mine of local) {
    for (const p of offered) {
      if (p.protocolId !== ProtocolId.IKE) continue;
      if (p.transforms.some((t) => !KNOWN_TYPES.has(t.type) || t.type === TransformType.ESN)) continue;
      const picked = pickEncr(p, mine.encr, mine.integ);
      const prf = pickIds(p, TransformType.PRF, mine.prf)[0];
      const dhGroups = pickIds(p, TransformType.DH, mine.dh);
      if (!picked || prf === undefined || dhGroups.length === 0) continue;
      const { encr, integ } = picked;
      return { number: p.number, encr, integ, prf, dhGroups, peerSpi: p.spi };
    }
  }
  return undefined;
}

/** The single-proposal reply (RFC 7296 §3.3: one transform per type, the offered Proposal Num echoed). */
export function ikeReplyProposal(s: IkeSelection, dhGroup: number, spi: Uint8Array): Proposal {
  const transforms = [
    transform(TransformType.ENCR, s.encr.id, s.encr.keyLengthBits),
    transform(TransformType.PRF, s.prf),
  ];
  if (s.integ !== undefined) transforms.push(transform(TransformType.INTEG, s.integ));
  transforms.push(transform(TransformType.DH, dhGroup));
  return { number: s.number, protocolId: ProtocolId.IKE, spi, transforms };
}

export function ikeSuiteOf(s: IkeSelection, dhGroup: number): IkeSuite {
  return {
    encr: encrTransform(s.encr.id, s.encr.keyLengthBits),
    integ: s.integ === undefined ? undefined : integTransform(s.integ),
    prf: prfTransform(s.prf),
    dhGroup,
  };
}

export interface EspSelection {
  readonly reply: Proposal;
  readonly suite: ChildSuite;
  /** The offered SPI: the peer's inbound SPI, which we send to. */
  readonly peerSpi: Uint8Array;
}

/**
 * Chooses an ESP proposal and builds the reply carrying `ourSpi`. `pfsGroup` is the group of the peer's KE payload
 * if it sent one: PFS is negotiated only when both sides have that group (RFC 7296 §1.3.1).
 */
export function selectEspProposal(
  offered: readonly Proposal[],
  local: readonly EspProposalConfig[],
  ourSpi: Uint8Array,
  pfsGroup: number | undefined,
): EspSelection | undefined {
  for (const mine of local) {
    for (const p of offered) {
      if (p.protocolId !== ProtocolId.ESP || p.spi.length !== 4) continue;
      if (p.transforms.some((t) => !KNOWN_TYPES.has(t.type) || t.type === TransformType.PRF)) continue;
      const picked = pickEncr(p, mine.encr, mine.integ);
      if (!picked) continue;
      const { encr, integ } = picked;
      const offeredDh = offeredOfType(p, TransformType.DH);
      let dh: number | undefined;
      if (pfsGroup !== undefined && offeredDh.some((t) => t.id === pfsGroup) && mine.dh.includes(pfsGroup)) {
        dh = pfsGroup;
      } else if (offeredDh.length > 0 && !offeredDh.some((t) => t.id === 0)) {
        continue; // PFS demanded with a group we cannot run
      }
      const esnOffered = offeredOfType(p, TransformType.ESN).map((t) => t.id === 1);
      const esn = mine.esn.find((e) => (esnOffered.length === 0 ? !e : esnOffered.includes(e)));
      if (esn === undefined) continue;
      const transforms = [transform(TransformType.ENCR, encr.id, encr.keyLengthBits)];
      if (integ !== undefined) transforms.push(transform(TransformType.INTEG, integ));
      if (dh !== undefined) transforms.push(transform(TransformType.DH, dh));
      transforms.push(transform(TransformType.ESN, esn ? 1 : 0));
      return {
        reply: { number: p.number, protocolId: ProtocolId.ESP, spi: ourSpi, transforms },
        suite: childSuiteOf(encr, integ, dh, esn),
        peerSpi: p.spi,
      };
    }
  }
  return undefined;
}

export function childSuiteOf(
  encr: EncrChoice,
  integ: number | undefined,
  dh: number | undefined,
  esn: boolean,
): ChildSuite {
  return {
    encr: encrTransform(encr.id, encr.keyLengthBits),
    integ: integ === undefined || integ === IntegId.NONE ? undefined : integTransform(integ),
    dhGroup: dh === undefined || dh === 0 ? undefined : dh,
    esn,
  };
}

/** Every DH group in the offered proposals, for INVALID_KE_PAYLOAD retries (RFC 7296 §1.2). */
export function offeredDhGroups(configs: readonly IkeProposalConfig[]): number[] {
  return [...new Set(configs.flatMap((c) => c.dh))];
}
