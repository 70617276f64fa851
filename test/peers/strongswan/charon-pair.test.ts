/**
 * The strongSwan peer setup on its own: a strongSwan UE (EAP-AKA peer, TS 35.208 set 1) against a strongSwan HA
 * (ECDSA certificate, EAP-AKA server, pool with MIP6_HOME_PREFIX loaded over VICI), so the interop tests with
 * the project's engine start from a setup known to work. Installs strongSwan and builds the eap-aka-3gpp
 * plugin first when missing (scripts/peers/install-strongswan.sh); every process started here is ended by PID.
 *
 * What the CHILD_SA can do on this kernel (no ESP, PEERS.md), pinned by the last two tests:
 *  - kernel-netlink: the IKE_SA comes up; a child SA cannot be installed, the HA answers NO_PROPOSAL_CHOSEN and
 *    both sides keep the IKE_SA.
 *  - kernel-libipsec (user-space ESP over TUN, run in a private network namespace): a tunnel-mode child SA
 *    is installed, always UDP-encapsulated; transport mode is refused (TS_UNACCEPTABLE).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { ensureStrongswan } from '../../../scripts/peers/strongswan.ts';
import { ikeSasOfEvent, listSas } from '../../../src/node/vici/commands.ts';
import { viciMessageToTree } from '../../../src/node/vici/tree.ts';
import { toHex } from '../../../src/util/hex.ts';
import { findAll, tsharkDecode } from '../../oracle/tshark.ts';
import { type HaResponder, type HaResponderOptions, startHaResponder } from './ha-responder.ts';
import { TEST_HA_APN, TEST_NAI } from './identities.ts';
import { ikev2DecryptionTableLine, parseIkeKeysFromLog } from './keys-from-log.ts';
import { type LoopbackCapture, startLoopbackCapture } from './loopback-capture.ts';
import { startUeInitiator, type UeInitiator, type UeInitiatorOptions } from './ue-initiator.ts';

const HOME_ADDRESS = '2001:db8:1:2::1'; // the first lease of the HA's pool (2001:db8:1:2::/120)

before(() => {
  ensureStrongswan(); // the one-time install and build (about 35 s) happens here, outside the tests' timing
});

/** Runs `body` with an HA and a UE pointed at it; stops both (by PID) whatever happens. */
async function withPair(
  options: { ha?: HaResponderOptions; ue?: Partial<UeInitiatorOptions> },
  body: (ha: HaResponder, ue: UeInitiator) => Promise<void>,
): Promise<void> {
  const ha = await startHaResponder(options.ha);
  let ue: UeInitiator | undefined;
  let failed = false;
  try {
    ue = await startUeInitiator({
      remoteHost: '127.0.0.1',
      remotePort: ha.port,
      caCertPem: ha.caCertPem,
      netns: options.ha?.netns,
      ...options.ue,
    });
    await body(ha, ue);
  } catch (e) {
    failed = true; // keep the directories with the logs
    throw new Error(`${String(e)}\n(logs kept in ${ha.charon.dir} and ${ue?.charon.dir ?? '-'})`, { cause: e });
  } finally {
    await ue?.charon.dispose(failed);
    await ha.charon.dispose(failed);
  }
}

test('UE → HA on loopback: certificate + EAP-AKA IKE_SA established, home prefix sent as 21 bytes, keys logged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-pair-'));
  let capture: LoopbackCapture | undefined;
  try {
    await withPair({}, async (ha, ue) => {
      capture = await startLoopbackCapture(`udp port ${ha.port} or udp port ${ha.natTPort}`, dir);
      const haUp = await ha.charon.vici.expectEvent('ike-updown', (m) => viciMessageToTree(m).up === 'yes', 15_000);

      // IKE_SA_INIT { SA, KE, Ni, N(NATD) } <-> { SA, KE, Nr, N(NATD) }
      // IKE_AUTH { IDi = root NAI, IDr = HA-APN, CP(CFG_REQUEST: INTERNAL_IP6_ADDRESS), no AUTH } -->
      //   <-- { IDr, CERT, AUTH (ECDSA), EAP-Request/AKA-Challenge }      (no EAP- or AKA-Identity round)
      // IKE_AUTH { EAP-Response/AKA-Challenge } <-> { EAP-Success }
      // IKE_AUTH { AUTH (MSK) } <-> { AUTH, CP(CFG_REPLY: INTERNAL_IP6_ADDRESS, MIP6_HOME_PREFIX) }
      const result = await ue.initiate();
      assert.ok(result.success, result.log.join('\n'));
      assert.ok(result.log.some((l) => l.includes('EAP method EAP_AKA succeeded, MSK established')));
      assert.ok(result.log.some((l) => /parsed IKE_AUTH response \d+ \[ AUTH CPRP\(ADDR6 MIP6HPFX\)/.test(l)));

      const [haEvent] = ikeSasOfEvent(await haUp.received);
      assert.equal(haEvent?.name, ha.connection);
      assert.equal(haEvent?.state, 'ESTABLISHED');

      const [ueSa, ...moreUe] = await listSas(ue.charon.vici);
      assert.equal(moreUe.length, 0);
      assert.ok(ueSa);
      assert.equal(ueSa.state, 'ESTABLISHED');
      assert.equal(ueSa.initiator, true);
      assert.equal(ueSa.localId, TEST_NAI);
      assert.equal(ueSa.remoteId, TEST_HA_APN);
      assert.deepEqual(ueSa.localVips, [HOME_ADDRESS]);
      assert.deepEqual(ueSa.childSas, []); // initiated without a child SA
      const [haSa] = await listSas(ha.charon.vici, { ike: ha.connection });
      assert.equal(haSa?.state, 'ESTABLISHED');
      assert.equal(haSa?.remoteId, TEST_NAI);
      assert.deepEqual(haSa?.remoteVips, [HOME_ADDRESS]);
      assert.equal(haSa?.initiatorSpi, ueSa.initiatorSpi);
      assert.equal(haSa?.responderSpi, ueSa.responderSpi);
      assert.match(ha.charon.log(), /<ha\|\d+> building MIP6_HOME_PREFIX attribute/);

      // Both logs hold the same keys; the SPIs the log shows are the SA's.
      const [haKeys, ...moreHa] = parseIkeKeysFromLog(ha.charon.log());
      const [ueKeys] = parseIkeKeysFromLog(ue.charon.log());
      assert.equal(moreHa.length, 0);
      assert.ok(haKeys && ueKeys);
      assert.deepEqual(ueKeys.keys, haKeys.keys);
      assert.equal(toHex(haKeys.initiatorSpi!), ueSa.initiatorSpi);
      assert.equal(toHex(haKeys.responderSpi!), ueSa.responderSpi);
      assert.equal(haKeys.proposal, ueKeys.proposal);

      // tshark decrypts the capture with the table made from the HA's log. After IKE_SA_INIT the UE talks from
      // its NAT-T socket with the non-ESP marker (MOBIKE), so the HA's port is decoded as UDP encapsulation.
      const packets = await capture.stop(8);
      const layers = await tsharkDecode(packets, [
        '-o',
        `uat:ikev2_decryption_table:${ikev2DecryptionTableLine(haKeys)}`,
        '-d',
        `udp.port==${ha.port},udpencap`,
      ]);
      const reply = layers.find((l) => findAll(l, 'isakmp.cfg.type').includes('2')); // CFG_REPLY
      assert.ok(reply, 'no decrypted CFG_REPLY in the capture');
      const types = findAll(reply, 'isakmp.cfg.attr.type');
      const lengths = findAll(reply, 'isakmp.cfg.attr.length');
      const values = findAll(reply, 'isakmp.cfg.attr.value');
      const at = types.indexOf('16');
      assert.ok(at >= 0, `attribute 16 missing: ${types.join(',')}`);
      assert.equal(lengths[at], '21');
      assert.equal(String(values[at]).replaceAll(':', ''), toHex(ha.homePrefixValue));
      assert.ok(
        layers.some((l) => findAll(l, 'eap.type').includes('23')),
        'no decrypted EAP-AKA (type 23)',
      );
    });
  } finally {
    await capture?.stop(0, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kernel-netlink: the child SA cannot be installed (no ESP in this kernel), NO_PROPOSAL_CHOSEN, IKE_SA kept', async () => {
  await withPair({}, async (ha, ue) => {
    const result = await ue.initiate({ withChild: true });
    assert.equal(result.success, false);
    assert.ok(
      result.log.some((l) => l.includes('received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built')),
      result.log.join('\n'),
    );
    assert.match(ha.charon.log(), /unable to install inbound and outbound IPsec SA \(SAD\) in kernel/);
    const [ueSa] = await listSas(ue.charon.vici);
    assert.equal(ueSa?.state, 'ESTABLISHED');
    assert.deepEqual(ueSa?.childSas, []);
  });
});

/** A private network namespace with loopback up, deleted after `body`. */
async function inNetns(body: (netns: string) => Promise<void>): Promise<void> {
  const netns = `dsmip-ss-${process.pid}`;
  execFileSync('ip', ['netns', 'add', netns]);
  try {
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    await body(netns);
  } finally {
    execFileSync('ip', ['netns', 'del', netns]);
  }
}

test('kernel-libipsec in a private namespace: a tunnel-mode child SA for MH is installed (UDP-encapsulated); transport mode is refused', async () => {
  await inNetns(async (netns) => {
    const ha: HaResponderOptions = { netns, kernel: 'libipsec', childMode: 'tunnel', port: 500, natTPort: 4500 };
    await withPair({ ha, ue: { kernel: 'libipsec', childMode: 'tunnel' } }, async (haPeer, ue) => {
      const childUp = await haPeer.charon.vici.expectEvent(
        'child-updown',
        (m) => viciMessageToTree(m).up === 'yes',
        15_000,
      );
      const result = await ue.initiate({ withChild: true });
      assert.ok(result.success, result.log.join('\n'));
      const [haSa] = ikeSasOfEvent(await childUp.received);
      assert.equal(haSa?.childSas[0]?.state, 'INSTALLED');
      const [ueSa] = await listSas(ue.charon.vici);
      const child = ueSa?.childSas[0];
      assert.equal(child?.state, 'INSTALLED');
      assert.equal(child?.mode, 'TUNNEL');
      assert.equal(child?.protocol, 'ESP');
      assert.equal(child?.encapsulated, true);
      // TSi = the leased address, TSr = the HA, both protocol 135 (RFC 4877 §7.3 selectors, here as a tunnel)
      assert.deepEqual(child?.localTs, [`${HOME_ADDRESS}/128[mobility-header]`]);
      assert.deepEqual(child?.remoteTs, ['127.0.0.1/32[mobility-header]']);
    });
    const transport: HaResponderOptions = { netns, kernel: 'libipsec', port: 500, natTPort: 4500 };
    await withPair({ ha: transport, ue: { kernel: 'libipsec' } }, async (_ha, ue) => {
      const result = await ue.initiate({ withChild: true });
      assert.equal(result.success, false);
      assert.ok(
        result.log.some((l) => l.includes('received TS_UNACCEPTABLE notify, no CHILD_SA built')),
        result.log.join('\n'),
      );
    });
  });
});
