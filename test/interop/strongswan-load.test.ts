/**
 * strongSwan's load-tester (a generic IKEv2 initiator: EAP-AKA, X25519, a tunnel-mode Child SA in IKE_AUTH with
 * TSi = its virtual addresses, TSr = ::/0, and a CFG_REQUEST for an IPv4 and an IPv6 address) against a real
 * `dsmip ha` process: a bounded run of 20 UEs that must all get their IKE SA and their Child SA
 * (bench/strongswan-load/ measures the same setup with 2,000).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { runLoad } from '../../bench/strongswan-load/run-load.ts';
import { LOAD_EAP_PASSWORD, loadImsi, subscriberFile } from '../../bench/strongswan-load/setup.ts';
import { ensureStrongswan } from '../../scripts/peers/strongswan.ts';
import { parseSubscriberFile } from '../../src/eap/subscriber.ts';
import { toHex } from '../../src/util/hex.ts';

before(() => {
  ensureStrongswan();
});

test('20 load-tester UEs against dsmip ha: every IKE SA and every tunnel-mode Child SA established', async () => {
  const r = await runLoad('dsmip', { count: 20, initiators: 2, initLimit: 8 });
  assert.equal(r.failed, 0, r.problems.join('\n'));
  assert.equal(r.established, 20, r.problems.join('\n'));
  assert.equal(r.children, 20);
});

test("the HA's subscribers are the load-tester's: IMSI 00101 ‖ n (10 digits), K ‖ OPc = the eap_password's bytes", () => {
  const subs = parseSubscriberFile(subscriberFile(3));
  assert.deepEqual(
    subs.map((x) => x.imsi),
    ['001010000000001', '001010000000002', '001010000000003'],
  );
  assert.equal(loadImsi(1234), '001010000001234');
  // initiator_id 000101%.10d@nai... is "0" ‖ IMSI (TS 23.003 §19.3.2)
  assert.equal(`0${loadImsi(7)}`, `000101${String(7).padStart(10, '0')}`);
  assert.equal(LOAD_EAP_PASSWORD.length, 32);
  const secret = Buffer.from(LOAD_EAP_PASSWORD, 'latin1');
  for (const x of subs) {
    assert.equal(toHex(x.k), secret.subarray(0, 16).toString('hex'));
    assert.equal(toHex(x.opc), secret.subarray(16).toString('hex'));
  }
});
