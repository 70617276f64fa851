import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../util/errors.ts';
import { EncrId, IntegId, PrfId } from '../wire/ike/constants.ts';
import { DEFAULT_ESP_PROPOSALS, DEFAULT_IKE_PROPOSALS } from './config.ts';
import { checkEspProposals, checkIkeProposals } from './config-check.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { credentials, haConfig, ueConfig } from './test-support.ts';

const configError = (f: () => unknown, path: string) =>
  assert.throws(f, (e: unknown) => e instanceof ConfigError && e.path === path);

test('the defaults pass; unsupported or incomplete proposals are ConfigErrors naming the key', () => {
  checkIkeProposals(DEFAULT_IKE_PROPOSALS);
  checkEspProposals(DEFAULT_ESP_PROPOSALS);
  const gcm = DEFAULT_IKE_PROPOSALS[0]!;
  configError(() => checkIkeProposals([]), 'ike.proposals');
  configError(() => checkIkeProposals([{ ...gcm, dh: [] }]), 'ike.proposals[0].dh');
  configError(() => checkIkeProposals([{ ...gcm, dh: [99] }]), 'ike.proposals[0].dh[0]');
  configError(() => checkIkeProposals([{ ...gcm, prf: [PrfId.AES128_XCBC] }]), 'ike.proposals[0].prf[0]');
  configError(
    () => checkIkeProposals([{ ...gcm, encr: [{ id: EncrId.TRIPLE_DES, keyLengthBits: 192 }] }]),
    'ike.proposals[0].encr[0]',
  );
  configError(
    () => checkIkeProposals([{ ...gcm, encr: [{ id: EncrId.AES_CBC, keyLengthBits: 256 }] }]),
    'ike.proposals[0].integ',
  );
  configError(
    () => checkEspProposals([{ ...DEFAULT_ESP_PROPOSALS[1]!, integ: [IntegId.HMAC_MD5_96] }]),
    'esp.proposals[0].integ[0]',
  );
  configError(() => checkEspProposals([{ ...DEFAULT_ESP_PROPOSALS[0]!, esn: [] }]), 'esp.proposals[0].esn');
});

test('endpoints validate their configuration when built', () => {
  configError(() => new IkeResponder(haConfig({ ikeProposals: [] })), 'ha.ike.proposals');
  configError(
    () => new IkeResponder(haConfig({ credentials: { ...credentials('ha-ecdsa'), certificates: [] } })),
    'ha.credentials.certificates',
  );
  configError(() => new IkeResponder(haConfig({ prefixLifetimeSec: -1 })), 'ha.prefixLifetimeSec');
  configError(() => new IkeInitiator(ueConfig({ interfaceId: new Uint8Array(4) })), 'ue.interfaceId');
  configError(() => new IkeInitiator(ueConfig({ espProposals: [] })), 'ue.esp.proposals');
});
