/**
 * strongSwan 5.9 as the UE (IKEv2 initiator, EAP-AKA peer with TS 35.208 set 1, IDi = root NAI, IDr = HA-APN)
 * against our HA: `IkeResponder` on a UDP endpoint with the EAP-AKA server and a subscriber store holding set 1.
 *
 * Our HA listens on the standard ports 500 and 4500 of a loopback address of its own (127.x.y.z, checked free by
 * binding): so strongSwan, which does MOBIKE (RFC 4555 §3.3), floats to 4500 after IKE_SA_INIT and talks with the
 * non-ESP marker (RFC 3948 §2.2), as it would to a real HA.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureStrongswan } from '../../scripts/peers/strongswan.ts';
import { sealEsp } from '../../src/ipsec/esp-protect.ts';
import { tunnelNextHeader } from '../../src/ipsec/packet.ts';
import { EspSad } from '../../src/ipsec/sad.ts';
import { espSaParamsOf } from '../../src/node/ike/esp-sa-params.ts';
import { osRandom } from '../../src/node/ike/udp-endpoint.ts';
import { listSas } from '../../src/node/vici/commands.ts';
import { toHex } from '../../src/util/hex.ts';
import { Ipv6Address } from '../../src/util/ip-address.ts';
import { ExchangeType, NotifyType } from '../../src/wire/ike/constants.ts';
import type { TrafficSelector } from '../../src/wire/ike/traffic-selector.ts';
import { buildIpv6Packet } from '../../src/wire/ip/build.ts';
import { decodeIpPacket } from '../../src/wire/ip/tunnel.ts';
import { TEST_HA_APN, TEST_IMSI, TEST_NAI } from '../peers/strongswan/identities.ts';
import { startUeInitiator, type UeInitiator, type UeInitiatorOptions } from '../peers/strongswan/ue-initiator.ts';
import { ECHO_REQUEST, freshPki, type OurHa, openOurHa, withVethNetns } from './support.ts';

before(() => {
  ensureStrongswan();
});

const pki = freshPki(TEST_HA_APN);
/** The Home Address our HA assigns first (RFC 5026 §5.3.1; prefix 2001:db8:1::/64 of recordingPool). */
const HOA = '2001:db8:1::1';

/** Our HA on 500/4500 of the first 127.<pid-derived>.z address where both are free. */
async function openHaOnStandardPorts(): Promise<{ ha: OurHa; address: string }> {
  const base = 2 + (process.pid % 200);
  let last: unknown;
  for (let z = 2; z < 40; z++) {
    const address = `127.${base}.${z}.1`;
    try {
      const ha = await openOurHa({
        address,
        ikePort: 500,
        natTPort: 4500,
        pki,
        identity: TEST_HA_APN,
        imsi: TEST_IMSI,
      });
      return { ha, address };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      last = e;
    }
  }
  throw new Error(`no loopback address with UDP 500 and 4500 free: ${String(last)}`);
}

async function withUe(
  options: Partial<UeInitiatorOptions>,
  body: (ha: OurHa, ue: UeInitiator) => Promise<void>,
  openHa: () => Promise<{ ha: OurHa; address: string }> = openHaOnStandardPorts,
): Promise<void> {
  const { ha, address } = await openHa();
  let ue: UeInitiator | undefined;
  let failed = false;
  try {
    ue = await startUeInitiator({ remoteHost: address, remotePort: 500, caCertPem: pki.caCertPem, ...options });
    await body(ha, ue);
  } catch (e) {
    failed = true;
    throw new Error(`${String(e)}\n(strongSwan log kept in ${ue?.charon.dir ?? '-'})`, { cause: e });
  } finally {
    await ue?.charon.dispose(failed);
    await ha.endpoint.close();
  }
}

test('strongSwan UE → our HA: IKE SA established on both sides, EAP-AKA with the IMSI, Home Address assigned; its MH child gets TS_UNACCEPTABLE', async () => {
  await withUe({}, async (ha, ue) => {
    // IKE_SA_INIT { SA, KE, Ni, N(NATD) } --> <-- { SA, KE, Nr, N(NATD), N(MULTIPLE_AUTH_SUPPORTED) }
    // (MOBIKE: strongSwan floats to 4500, non-ESP marker from here on)
    // IKE_AUTH { IDi = root NAI, IDr = HA-APN, CP(CFG_REQUEST: INTERNAL_IP6_ADDRESS), N(MOBIKE_SUPPORTED), ... } -->
    //   <-- { IDr, CERT, AUTH(ECDSA), EAP-Request/AKA-Challenge }
    // IKE_AUTH { EAP-Response/AKA-Challenge } --> <-- { EAP-Success }
    // IKE_AUTH { AUTH(MSK) } --> <-- { AUTH, CP(CFG_REPLY: INTERNAL_IP6_ADDRESS 2001:db8:1::1/64) }
    const result = await ue.initiate();
    assert.ok(result.success, result.log.join('\n'));
    const line = (re: RegExp) =>
      assert.ok(
        result.log.some((l) => re.test(l)),
        `${re}\n${result.log.join('\n')}`,
      );
    line(/sending packet: from 127\.0\.0\.1\[\d+\] to 127\.\d+\.\d+\.1\[4500\]/);
    line(
      /authentication of 'internet\.ha-apn\.mnc001\.mcc001\.pub\.3gppnetwork\.org' with ECDSA-256 signature successful/,
    );
    line(/EAP method EAP_AKA succeeded, MSK established/);
    line(/parsed IKE_AUTH response 3 \[ AUTH CPRP\(ADDR6\) \]/);

    const [sa, ...more] = await listSas(ue.charon.vici);
    assert.equal(more.length, 0);
    assert.equal(sa?.state, 'ESTABLISHED');
    assert.equal(sa?.localId, TEST_NAI);
    assert.equal(sa?.remoteId, TEST_HA_APN);
    assert.equal(sa?.raw['remote-port'], '4500');
    assert.deepEqual(sa?.localVips, [HOA]); // RFC 5026 §5.3.1: the HA allocated the HoA

    assert.deepEqual(ha.log.kinds(), ['key-log', 'eap-success', 'ike-sa-established', 'home-prefix-assigned']);
    const [eap] = ha.log.of('eap-success');
    assert.equal(eap?.identity, TEST_IMSI);
    const [established] = ha.log.of('ike-sa-established');
    assert.equal(established?.peerId, TEST_NAI);
    assert.deepEqual(established?.eapIdentities, [TEST_IMSI]);
    assert.equal(established?.path.localPort, 4500);
    assert.equal(toHex(established!.spiI), sa?.initiatorSpi);
    assert.equal(toHex(established!.spiR), sa?.responderSpi);
    const [prefix] = ha.log.of('home-prefix-assigned');
    assert.equal(prefix?.subscriber, TEST_IMSI);
    assert.equal(`${prefix?.homePrefix.prefix}/${prefix?.homePrefix.prefixLength}`, '2001:db8:1::/64');
    assert.equal(prefix?.homeAddress?.toString(), HOA);
    assert.deepEqual([...ha.pool.held], [[`${TEST_IMSI}/${established?.ikeSaId}`, '2001:db8:1::']]);
    assert.equal(ha.store.get(TEST_IMSI)?.sqn.seqHe, 1); // one vector generated

    // CREATE_CHILD_SA { N(USE_TRANSPORT_MODE), SA, Ni, TSi = 2001:db8:1::1[MH], TSr = 127.x.y.1[MH] } -->
    //   <-- { N(TS_UNACCEPTABLE) }: the HA side names an IPv4 address, outside the HA's IPv6 selectors
    const child = await ue.initiate({ withChild: true });
    assert.equal(child.success, false);
    assert.ok(
      child.log.some((l) => l.includes('received TS_UNACCEPTABLE notify, no CHILD_SA built')),
      child.log.join('\n'),
    );
    const [sent] = ha.log.of('error-notify');
    assert.deepEqual(
      [sent?.notifyType, sent?.exchangeType, sent?.direction],
      [NotifyType.TS_UNACCEPTABLE, ExchangeType.CREATE_CHILD_SA, 'sent'],
    );
    const [after] = await listSas(ue.charon.vici);
    assert.equal(after?.state, 'ESTABLISHED'); // both keep the IKE SA (RFC 7296 §2.21.3)
    assert.deepEqual(after?.childSas, []);
    assert.equal(ha.endpoint.engine.ikeSaCount, 1);
  });
});

test('strongSwan UE asks for a tunnel-mode MH child in IKE_AUTH: our HA narrows TSi to the prefix and installs it; strongSwan cannot (no kernel ESP) and deletes it', async () => {
  await withUe({ childMode: 'tunnel', childTs: '::/0[mobility-header]' }, async (ha, ue) => {
    // IKE_AUTH { ..., SA, TSi = ::/0[MH], TSr = ::/0[MH] } --> ... <-- { AUTH, CP, SA, TSi = 2001:db8:1::/64[MH], TSr = ::/0[MH] }
    // INFORMATIONAL { D(ESP, SPI) } --> <-- { D(ESP, SPI) }       (strongSwan: netlink has no ESP to install into)
    const result = await ue.initiate({ withChild: true });
    await ha.log.waitFor((l) => l.of('child-sa-deleted').length === 1, 'the Delete of the Child SA');
    assert.equal(result.success, false);
    const line = (text: string) =>
      assert.ok(
        result.log.some((l) => l.includes(text)),
        `${text}\n${result.log.join('\n')}`,
      );
    line('unable to install inbound and outbound IPsec SA (SAD) in kernel');
    line('failed to establish CHILD_SA, keeping IKE_SA');
    line('sending DELETE for ESP CHILD_SA');

    const [child] = ha.log.of('child-sa-established');
    assert.equal(child?.mode, 'tunnel');
    assert.equal(child?.udpEncapsulation, false);
    const ts = (t: readonly TrafficSelector[]) =>
      t.map((s) => (s.kind === 'unknown' ? '?' : `${s.startAddress}-${s.endAddress}[${s.ipProtocol}]`));
    // RFC 4877 §7.3 / TS 24.303 §5.1.3.1: the UE's side only inside the prefix given to this IKE SA.
    assert.deepEqual(ts(child!.tsRemote), ['2001:db8:1::-2001:db8:1:0:ffff:ffff:ffff:ffff[135]']);
    assert.deepEqual(ts(child!.tsLocal), ['::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[135]']);
    const [deleted] = ha.log.of('child-sa-deleted');
    assert.equal(deleted?.spiIn, child?.spiIn);
    assert.equal(ha.endpoint.engine.session(child!.ikeSaId)?.childSas.length, 0);
    const [sa] = await listSas(ue.charon.vici);
    assert.equal(sa?.state, 'ESTABLISHED');
    assert.deepEqual(sa?.childSas, []);
  });
});

test('kernel-libipsec UE in a namespace: our HA installs the tunnel-mode child inside the prefix, strongSwan installs it too, UDP-encapsulated, and ESP flows both ways', async () => {
  await withVethNetns(async ({ netns, hostAddress }) => {
    const esp: Uint8Array[] = [];
    const openHa = async () => ({
      ha: await openOurHa({
        address: hostAddress,
        ikePort: 500,
        natTPort: 4500,
        pki,
        identity: TEST_HA_APN,
        imsi: TEST_IMSI,
        onEsp: (bytes) => esp.push(bytes.slice()),
      }),
      address: hostAddress,
    });
    // Any protocol: libipsec reads the Mobility Header as an extension header (see strongswan-ha.test.ts).
    const options: Partial<UeInitiatorOptions> = { netns, kernel: 'libipsec', childMode: 'tunnel', childTs: '::/0' };
    await withUe(
      options,
      async (ha, ue) => {
        // charon runs with install_virtual_ip = no, but libipsec routes the tunnel from the virtual IP: give the
        // namespace the address our HA will assign (its first prefix, ::1) beforehand.
        execFileSync('ip', ['-n', netns, 'addr', 'add', `${HOA}/128`, 'dev', 'lo', 'nodad']);
        // IKE_SA_INIT: libipsec fakes NAT-D (ESP only in UDP); strongSwan floats to 4500 anyway (MOBIKE).
        // IKE_AUTH { ..., SA, TSi = ::/0, TSr = ::/0 } --> ... <-- { AUTH, CP(ADDR6), SA, TSi = prefix, TSr = ::/0 }
        const result = await ue.initiate({ withChild: true });
        assert.ok(result.success, result.log.join('\n'));
        assert.ok(result.log.some((l) => l.includes('faking NAT situation to enforce UDP encapsulation')));
        await ha.log.waitFor((l) => l.of('child-sa-established').length === 1, 'the Child SA on our HA');
        assert.deepEqual(ha.log.kinds(), [
          'key-log',
          'nat-detected',
          'eap-success',
          'ike-sa-established',
          'home-prefix-assigned',
          'child-sa-established',
        ]);
        const [nat] = ha.log.of('nat-detected');
        assert.deepEqual([nat?.localBehindNat, nat?.remoteBehindNat], [false, true]);
        const [child] = ha.log.of('child-sa-established');
        assert.ok(child);
        assert.deepEqual([child.mode, child.udpEncapsulation], ['tunnel', true]);

        const [sa] = await listSas(ue.charon.vici);
        const [c] = sa?.childSas ?? [];
        assert.deepEqual(sa?.localVips, [HOA]);
        assert.deepEqual([c?.state, c?.mode, c?.protocol, c?.encapsulated], ['INSTALLED', 'TUNNEL', 'ESP', true]);
        assert.deepEqual(c?.localTs, ['2001:db8:1::/64']); // narrowed to the subscriber's prefix by our HA
        assert.deepEqual(c?.remoteTs, ['::/0']);
        assert.equal(c?.spiIn, child.spiOut.toString(16).padStart(8, '0'));

        // ESP, HA → UE: an ICMPv6 echo request to the HoA, sealed with our HA's outbound keys and sent in UDP from
        // 4500 to strongSwan's NAT-T port; libipsec authenticates and decrypts it (its counters move).
        const path = ha.endpoint.engine.ikeSa(child.ikeSaId)!.path;
        const sad = new EspSad({ random: osRandom });
        const outbound = sad.install(espSaParamsOf(child, path).outbound);
        const icmp = Uint8Array.of(128, 0, 0, 0, 0, 1, 0, 1);
        const inner = buildIpv6Packet({
          src: Ipv6Address.parse(hostAddress),
          dst: Ipv6Address.parse(HOA),
          nextHeader: 58,
          payload: icmp,
          checksumOffset: 2,
        });
        const sealed = sealEsp(outbound, tunnelNextHeader(inner), inner);
        assert.ok(sealed.ok);
        ha.endpoint.sendEsp(sealed.packet, { address: path.remoteAddr, port: path.remotePort });
        let counted: string | undefined;
        for (const deadline = Date.now() + 3000; counted !== '1' && Date.now() < deadline; await sleep(50)) {
          counted = (await listSas(ue.charon.vici))[0]?.childSas[0]?.raw['packets-in'] as string | undefined;
        }
        assert.equal(counted, '1');

        // ESP, UE → HA: an echo request from the HoA to a host beyond the HA goes out through strongSwan's TUN
        // device and the tunnel, as ESP in UDP to our HA's 4500; our SAD opens it with the inbound keys.
        sad.install(espSaParamsOf(child, path).inbound);
        const beyond = '2001:db8:ffff::1';
        const sent = spawnSync('ip', ['netns', 'exec', netns, '/usr/bin/python3', '-c', ECHO_REQUEST, HOA, beyond], {
          encoding: 'utf8',
        });
        assert.equal(sent.status, 0, sent.stderr);
        for (const deadline = Date.now() + 3000; esp.length === 0 && Date.now() < deadline; ) await sleep(20);
        assert.equal(esp.length, 1);
        const opened = sad.open(esp[0]!);
        assert.ok(opened.ok, JSON.stringify(opened));
        assert.equal(opened.sa.spi, child.spiIn);
        const ip = decodeIpPacket(opened.data);
        assert.ok(ip.version === 6);
        assert.deepEqual(
          [ip.packet.source.toString(), ip.packet.destination.toString(), ip.packet.nextHeader, ip.packet.payload[0]],
          [HOA, beyond, 58, 128],
        );
      },
      openHa,
    );
  });
});
