/**
 * `dsmip demo --aaa radius://SECRET@127.0.0.1:PORT` as a user runs it (the built program, a real process) against
 * hostapd 2.10 as the RADIUS EAP-AKA server with hlr_auc_gw holding the demo subscriber (TS 35.208 set 1): the
 * demo's HA relays the UE's EAP-AKA over RADIUS (RFC 3579), the attach completes, the demo exits 0 and its summary
 * names the AAA it used.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { type HostapdAaa, startHostapdAaa } from '../../../scripts/peers/hostapd.ts';
import { IMSI, SET1 } from '../../../src/eap/aka-test-support.ts';
import { toHex } from '../../../src/util/hex.ts';

const BIN = new URL('../../../bin/dsmip', import.meta.url).pathname;
const SECRET = 'demo-hostapd-secret';

let aaa: HostapdAaa;
before(async () => {
  aaa = await startHostapdAaa({
    secret: SECRET,
    subscribers: [{ imsi: IMSI, k: toHex(SET1.k), opc: toHex(SET1.opc), amf: '8000', sqn: '000000000020' }],
  });
});
after(async () => {
  await aaa?.dispose();
});

test('dsmip demo --aaa radius://… against hostapd: exit 0, the summary names the RADIUS AAA', async () => {
  const url = `radius://${SECRET}@127.0.0.1:${aaa.port}`;
  const r = await promisify(execFile)(process.execPath, [BIN, 'demo', '--no-namespace', '--aaa', url], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 50_000,
  });
  assert.match(r.stdout, new RegExp(`RADIUS 127\\.0\\.0\\.1:${aaa.port} \\(RFC 3579\\)`));
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(SECRET), 'the secret is never printed');
  // hostapd ran the EAP-AKA method to its end for the demo's UE (not a cached or embedded answer).
  assert.match(aaa.log(), /EAP-AKA: CHALLENGE -> SUCCESS/);
});
