import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DhGroup, EncrId, IntegId, PrfId, ProtocolId, TransformType } from '../wire/ike/constants.ts';
import { type Proposal, transform } from '../wire/ike/sa.ts';
import { DEFAULT_ESP_PROPOSALS, DEFAULT_IKE_PROPOSALS } from './config.ts';
import { IkeLocalFailure } from './errors.ts';
import {
  buildEspProposals,
  buildIkeProposals,
  ikeReplyProposal,
  selectEspProposal,
  selectIkeProposal,
} from './proposal.ts';
import { acceptEspReply, acceptIkeReply } from './proposal-reply.ts';

const NONE = new Uint8Array(0);

test('default IKE offer: GCM-16-256 first, then CBC-256 + HMAC-SHA2-256-128, each with X25519/P-256/MODP-2048', () => {
  const [gcm, cbc] = buildIkeProposals(DEFAULT_IKE_PROPOSALS, NONE);
  assert.deepEqual(gcm, {
    number: 1,
    protocolId: ProtocolId.IKE,
    spi: NONE,
    transforms: [
      transform(TransformType.ENCR, EncrId.AES_GCM_16, 256),
      transform(TransformType.PRF, PrfId.HMAC_SHA2_256),
      transform(TransformType.DH, DhGroup.CURVE25519),
      transform(TransformType.DH, DhGroup.ECP_256),
      transform(TransformType.DH, DhGroup.MODP_2048),
    ],
  });
  assert.equal(cbc?.number, 2);
  assert.ok(cbc?.transforms.some((t) => t.type === TransformType.INTEG && t.id === IntegId.HMAC_SHA2_256_128));
});

test('the responder prefers its own order and reports every common DH group', () => {
  const offered = buildIkeProposals(DEFAULT_IKE_PROPOSALS, NONE);
  const cbcFirst = [DEFAULT_IKE_PROPOSALS[1]!, DEFAULT_IKE_PROPOSALS[0]!];
  const s = selectIkeProposal(offered, [{ ...cbcFirst[0]!, dh: [DhGroup.ECP_256, DhGroup.CURVE25519] }, cbcFirst[1]!]);
  assert.equal(s?.number, 2);
  assert.equal(s?.encr.id, EncrId.AES_CBC);
  assert.deepEqual(s?.dhGroups, [DhGroup.ECP_256, DhGroup.CURVE25519]);
});

test('a key length that differs, an unknown transform type or ESN in an IKE proposal is not chosen', () => {
  const base = buildIkeProposals([DEFAULT_IKE_PROPOSALS[0]!], NONE)[0]!;
  const with128: Proposal = {
    ...base,
    transforms: base.transforms.map((t) => (t.type === 1 ? transform(1, EncrId.AES_GCM_16, 128) : t)),
  };
  assert.equal(selectIkeProposal([with128], DEFAULT_IKE_PROPOSALS), undefined);
  const unknownType: Proposal = { ...base, transforms: [...base.transforms, transform(9, 1)] };
  assert.equal(selectIkeProposal([unknownType], DEFAULT_IKE_PROPOSALS), undefined); // RFC 7296 §3.3.6
  const esn: Proposal = { ...base, transforms: [...base.transforms, transform(TransformType.ESN, 0)] };
  assert.equal(selectIkeProposal([esn], DEFAULT_IKE_PROPOSALS), undefined);
  // AES-GCM with a real INTEG transform is not acceptable (RFC 5282 §8).
  const gcmInteg: Proposal = {
    ...base,
    transforms: [...base.transforms, transform(TransformType.INTEG, IntegId.HMAC_SHA2_256_128)],
  };
  assert.equal(selectIkeProposal([gcmInteg], [DEFAULT_IKE_PROPOSALS[0]!]), undefined);
  const gcmNone: Proposal = { ...base, transforms: [...base.transforms, transform(TransformType.INTEG, IntegId.NONE)] };
  assert.equal(selectIkeProposal([gcmNone], [DEFAULT_IKE_PROPOSALS[0]!])?.integ, undefined);
});

test('the initiator accepts only a reply it offered: one proposal, one transform per type', () => {
  const offered = buildIkeProposals(DEFAULT_IKE_PROPOSALS, NONE);
  const s = selectIkeProposal(offered, DEFAULT_IKE_PROPOSALS)!;
  const reply = ikeReplyProposal(s, DhGroup.CURVE25519, NONE);
  const { suite } = acceptIkeReply(offered, [reply]);
  assert.equal(suite.encr.name, 'AES-GCM-16-256');
  assert.equal(suite.prf.id, PrfId.HMAC_SHA2_256);
  assert.equal(suite.dhGroup, DhGroup.CURVE25519);
  const bad = (reply: Proposal[]) =>
    assert.throws(
      () => acceptIkeReply(offered, reply),
      (e) => e instanceof IkeLocalFailure && e.reason === 'bad-proposal-reply',
    );
  bad([]);
  bad([reply, reply]);
  bad([{ ...reply, number: 9 }]);
  bad([{ ...reply, transforms: [...reply.transforms, transform(TransformType.DH, DhGroup.ECP_256)] }]);
  bad([
    {
      ...reply,
      transforms: reply.transforms.map((t) => (t.type === TransformType.DH ? transform(4, DhGroup.MODP_1024) : t)),
    },
  ]);
  bad([{ ...reply, transforms: reply.transforms.filter((t) => t.type !== TransformType.PRF) }]);
});

test('ESP: selection echoes the number, carries our SPI and returns the peer SPI; PFS only with a matching KE', () => {
  const ueSpi = Uint8Array.of(1, 2, 3, 4);
  const haSpi = Uint8Array.of(5, 6, 7, 8);
  const offered = buildEspProposals(DEFAULT_ESP_PROPOSALS, ueSpi);
  const s = selectEspProposal(offered, DEFAULT_ESP_PROPOSALS, haSpi, undefined)!;
  assert.deepEqual(s.peerSpi, ueSpi);
  assert.deepEqual(s.reply.spi, haSpi);
  assert.equal(s.suite.esn, false);
  assert.equal(s.suite.dhGroup, undefined);
  const accepted = acceptEspReply(offered, [s.reply]);
  assert.deepEqual(accepted.spi, haSpi);
  assert.equal(accepted.suite.encr.id, EncrId.AES_GCM_16);
  const pfs = [{ ...DEFAULT_ESP_PROPOSALS[0]!, dh: [DhGroup.ECP_256] }];
  const withPfs = buildEspProposals(pfs, ueSpi);
  assert.equal(selectEspProposal(withPfs, pfs, haSpi, DhGroup.ECP_256)?.suite.dhGroup, DhGroup.ECP_256);
  assert.equal(
    selectEspProposal(withPfs, DEFAULT_ESP_PROPOSALS, haSpi, DhGroup.ECP_256),
    undefined,
    'PFS demanded, not configured',
  );
  assert.throws(() => acceptEspReply(offered, [{ ...s.reply, spi: NONE }]), IkeLocalFailure);
});

test('property: whatever the responder selects from an offer, the initiator accepts', () => {
  const groups = [DhGroup.CURVE25519, DhGroup.ECP_256, DhGroup.MODP_2048];
  const configArb = fc.record({
    encr: fc.subarray(
      [
        { id: EncrId.AES_GCM_16, keyLengthBits: 256 },
        { id: EncrId.AES_CBC, keyLengthBits: 128 },
        { id: EncrId.AES_CBC, keyLengthBits: 256 },
      ],
      { minLength: 1 },
    ),
    integ: fc.subarray([IntegId.HMAC_SHA2_256_128, IntegId.HMAC_SHA1_96], { minLength: 1 }),
    prf: fc.subarray([PrfId.HMAC_SHA2_256, PrfId.HMAC_SHA1], { minLength: 1 }),
    dh: fc.subarray(groups, { minLength: 1 }),
  });
  fc.assert(
    fc.property(
      fc.array(configArb, { minLength: 1, maxLength: 3 }),
      fc.array(configArb, { minLength: 1, maxLength: 3 }),
      (mine, theirs) => {
        const offered = buildIkeProposals(mine, NONE);
        const s = selectIkeProposal(offered, theirs);
        if (!s) return;
        const { suite } = acceptIkeReply(offered, [ikeReplyProposal(s, s.dhGroups[0]!, NONE)]);
        assert.equal(suite.dhGroup, s.dhGroups[0]);
      },
    ),
  );
});
