/**
 * Oracle: Wireshark finds the status notifications our HA adds as strongSwan does: CHILDLESS_IKEV2_SUPPORTED in the
 * IKE_SA_INIT response (RFC 6023 §3, type 16418) and ESP_TFC_PADDING_NOT_SUPPORTED beside the SA of the IKE_AUTH
 * Child SA and of the BU/BA CREATE_CHILD_SA response (RFC 7296 §3.10.1, type 16394), decrypted with our key log.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex } from '../../src/util/hex.ts';
import { NotifyType } from '../../src/wire/ike/constants.ts';
import { capture } from './ike-decryption.ts';
import { findAll, findField, tsharkDecode } from './tshark.ts';

test('tshark: CHILDLESS_IKEV2_SUPPORTED in IKE_SA_INIT, ESP_TFC_PADDING_NOT_SUPPORTED in both Child SA responses', async () => {
  const c = capture();
  const k = c.key;
  const table = [
    toHex(k.spiI),
    toHex(k.spiR),
    toHex(k.skEi),
    toHex(k.skEr),
    `"AES-GCM-${k.encrKeyBits} with 16 octet ICV [RFC5282]"`,
    '',
    '',
    '"NONE [RFC4306]"',
  ].join(',');
  const layers = await tsharkDecode(c.packets, ['-o', `uat:ikev2_decryption_table:${table}`]);
  const notifies = layers.map((l) => findAll(l, 'isakmp.notify.msgtype').flat().map(Number));
  const exchange = layers.map((l) => Number(findField(l, 'isakmp.exchangetype')));
  const responses = layers.map((l) => findField(l, 'isakmp.flag_r') === '1');
  // Message 1 is the HA's IKE_SA_INIT response (exchange 34).
  assert.equal(exchange[1], 34);
  assert.ok(responses[1]);
  assert.ok(notifies[1]!.includes(NotifyType.CHILDLESS_IKEV2_SUPPORTED), `IKE_SA_INIT response: ${notifies[1]}`);
  assert.ok(!notifies[0]!.includes(NotifyType.CHILDLESS_IKEV2_SUPPORTED)); // our UE does not send it
  // Responses carrying an SA after IKE_SA_INIT: the last IKE_AUTH (35) and the CREATE_CHILD_SA (36).
  const tfc = layers
    .map((_, i) => i)
    .filter((i) => responses[i] && notifies[i]!.includes(NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED));
  assert.deepEqual(
    tfc.map((i) => exchange[i]),
    [35, 36],
  );
});
