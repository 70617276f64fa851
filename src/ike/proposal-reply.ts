/**
 * The initiator's check of the responder's SA reply (RFC 7296 §2.7, §3.3): it must be one of our proposals,
 * narrowed to one transform per type.
 */
import { encrTransform, integTransform, prfTransform } from '../crypto/transforms.ts';
import { IntegId, TransformType } from '../wire/ike/constants.ts';
import { type Proposal, type Transform, transformKeyLength } from '../wire/ike/sa.ts';
import { IkeLocalFailure } from './errors.ts';
import { type ChildSuite, childSuiteOf, type IkeSuite, isAead } from './proposal.ts';

/**
 * Checks the responder's reply against what we offered: one proposal, echoing one of our Proposal Nums and
 * protocol, exactly one transform of each type, each of them offered (RFC 7296 §2.7, §3.3). Anything else is a
 * local failure NO_PROPOSAL_CHOSEN-like: the responder chose something we never offered.
 */
function checkReply(
  offered: readonly Proposal[],
  reply: readonly Proposal[],
): {
  proposal: Proposal;
  pick: (type: number) => Transform | undefined;
} {
  const bad = (detail: string) => new IkeLocalFailure('bad-proposal-reply', detail);
  const [chosen] = reply;
  if (reply.length !== 1 || !chosen) throw bad(`${reply.length} proposals in the reply`);
  const mine = offered.find((p) => p.number === chosen.number && p.protocolId === chosen.protocolId);
  if (!mine) throw bad(`proposal ${chosen.number} was not offered`);
  const seen = new Set<number>();
  for (const t of chosen.transforms) {
    if (seen.has(t.type)) throw bad(`two transforms of type ${t.type}`);
    seen.add(t.type);
    const ok = mine.transforms.some(
      (o) => o.type === t.type && o.id === t.id && transformKeyLength(o) === transformKeyLength(t),
    );
    if (!ok) throw bad(`transform ${t.type}/${t.id} was not offered`);
  }
  return { proposal: chosen, pick: (type) => chosen.transforms.find((t) => t.type === type) };
}

/** The IKE suite the responder chose, checked against our offer. */
export function acceptIkeReply(
  offered: readonly Proposal[],
  reply: readonly Proposal[],
): { suite: IkeSuite; spi: Uint8Array } {
  const { proposal, pick } = checkReply(offered, reply);
  const encr = pick(TransformType.ENCR);
  const prf = pick(TransformType.PRF);
  const dh = pick(TransformType.DH);
  const integ = pick(TransformType.INTEG);
  if (!encr || !prf || !dh) throw new IkeLocalFailure('bad-proposal-reply', 'reply lacks ENCR, PRF or DH');
  if (!isAead(encr.id) && (!integ || integ.id === IntegId.NONE)) {
    throw new IkeLocalFailure('bad-proposal-reply', 'reply lacks INTEG for a non-AEAD cipher');
  }
  return {
    suite: {
      encr: encrTransform(encr.id, transformKeyLength(encr)),
      integ: integ && integ.id !== IntegId.NONE ? integTransform(integ.id) : undefined,
      prf: prfTransform(prf.id),
      dhGroup: dh.id,
    },
    spi: proposal.spi,
  };
}

/** The ESP suite the responder chose and its SPI (the peer's inbound SPI). */
export function acceptEspReply(
  offered: readonly Proposal[],
  reply: readonly Proposal[],
): { suite: ChildSuite; spi: Uint8Array } {
  const { proposal, pick } = checkReply(offered, reply);
  const encr = pick(TransformType.ENCR);
  if (!encr || proposal.spi.length !== 4) throw new IkeLocalFailure('bad-proposal-reply', 'reply lacks ENCR or SPI');
  const integ = pick(TransformType.INTEG);
  if (!isAead(encr.id) && (!integ || integ.id === IntegId.NONE)) {
    throw new IkeLocalFailure('bad-proposal-reply', 'reply lacks INTEG for a non-AEAD cipher');
  }
  const keyBits = transformKeyLength(encr) ?? 0;
  return {
    suite: childSuiteOf(
      { id: encr.id, keyLengthBits: keyBits },
      integ?.id,
      pick(TransformType.DH)?.id,
      pick(TransformType.ESN)?.id === 1,
    ),
    spi: proposal.spi,
  };
}
