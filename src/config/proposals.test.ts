import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ESP_PROPOSALS, DEFAULT_IKE_PROPOSALS } from '../ike/config.ts';
import { DhGroup, EncrId, IntegId, PrfId } from '../wire/ike/constants.ts';
import { DEFAULT_ESP_PROPOSAL_TEXT, DEFAULT_IKE_PROPOSAL_TEXT } from './common-schema.ts';
import { espProposal, ikeProposal, parseEspProposal, parseIkeProposal } from './proposals.ts';
import { LeafError } from './scalars.ts';

test('IKE proposals: AEAD with an explicit PRF, CBC with the PRF implied by its integrity', () => {
  assert.deepEqual(parseIkeProposal('aes256gcm16-prfsha256-x25519-ecp256'), {
    encr: [{ id: EncrId.AES_GCM_16, keyLengthBits: 256 }],
    integ: [],
    prf: [PrfId.HMAC_SHA2_256],
    dh: [DhGroup.CURVE25519, DhGroup.ECP_256],
  });
  assert.deepEqual(parseIkeProposal('aes128-aes256-sha1-sha256-modp2048'), {
    encr: [
      { id: EncrId.AES_CBC, keyLengthBits: 128 },
      { id: EncrId.AES_CBC, keyLengthBits: 256 },
    ],
    integ: [IntegId.HMAC_SHA1_96, IntegId.HMAC_SHA2_256_128],
    prf: [PrfId.HMAC_SHA1, PrfId.HMAC_SHA2_256],
    dh: [DhGroup.MODP_2048],
  });
});

test('ESP proposals: PFS groups optional, ESN off unless named', () => {
  assert.deepEqual(parseEspProposal('aes128gcm16'), {
    encr: [{ id: EncrId.AES_GCM_16, keyLengthBits: 128 }],
    integ: [],
    dh: [],
    esn: [false],
  });
  assert.deepEqual(parseEspProposal('aes256-sha256-ecp256-esn-noesn'), {
    encr: [{ id: EncrId.AES_CBC, keyLengthBits: 256 }],
    integ: [IntegId.HMAC_SHA2_256_128],
    dh: [DhGroup.ECP_256],
    esn: [true, false],
  });
});

test('the default proposal texts are the engine defaults', () => {
  assert.deepEqual(DEFAULT_IKE_PROPOSAL_TEXT.map(parseIkeProposal), DEFAULT_IKE_PROPOSALS);
  assert.deepEqual(DEFAULT_ESP_PROPOSAL_TEXT.map(parseEspProposal), DEFAULT_ESP_PROPOSALS);
});

test('unsupported or inconsistent proposals are refused with the reason', () => {
  const table: [string, 'ike' | 'esp', RegExp][] = [
    ['3des-sha1-modp1024', 'ike', /unsupported algorithm "3des"/],
    ['aes256gcm16-x25519', 'ike', /must name its PRF/],
    ['aes256-sha256', 'ike', /Diffie-Hellman group/],
    ['aes256gcm16-sha256-prfsha256-x25519', 'ike', /AEAD cipher takes no integrity/],
    ['aes256gcm16-aes256-sha256-prfsha256-x25519', 'ike', /mixes AEAD and non-AEAD/],
    ['aes256-modp2048', 'esp', /needs an integrity algorithm/],
    ['sha256-modp2048', 'esp', /names no encryption/],
    ['aes256gcm16-prfsha256', 'esp', /unsupported algorithm "prfsha256"/],
    ['aes256gcm16-esn', 'ike', /unsupported algorithm "esn"/],
  ];
  for (const [text, kind, why] of table) {
    assert.throws(
      () => (kind === 'ike' ? parseIkeProposal(text) : parseEspProposal(text)),
      (e: unknown) => e instanceof LeafError && why.test(e.message),
      text,
    );
  }
  const r = ikeProposal.safeParse('des-md5');
  assert.equal(r.success, false);
  assert.match(r.error!.issues[0]!.message, /supported: aes128/);
  assert.equal(espProposal.safeParse(42).success, false);
});
