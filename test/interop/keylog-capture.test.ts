/**
 * The key log against a real capture: our UE and our HA attach over loopback UDP (EAP-AKA set 1) while dumpcap
 * records the traffic; the UE's endpoint writes Wireshark's ikev2_decryption_table and esp_sa with KeyLogWriter.
 * The UE then sends one Binding Update the DSMIPv6 way for an IPv4 care-of address (RFC 5555 §4.1: an IPv6
 * packet HoA → HA in UDP over IPv4), protected in transport mode with the BU/BA Child SA's outbound keys from its
 * `child-sa-established` event (RFC 4877 §4). One tshark run over the capture, with nothing but that key log in
 * its configuration directory, must show the IKE_AUTH payloads (IDi, CP, EAP-AKA attributes) and the BU inside ESP.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { freeUdpPorts } from '../../scripts/peers/strongswan.ts';
import { IkeInitiator } from '../../src/ike/initiator.ts';
import { protectPacket } from '../../src/ipsec/packet.ts';
import { receiveIpsecPacket } from '../../src/ipsec/packet-open.ts';
import { EspSad } from '../../src/ipsec/sad.ts';
import { espSaParamsOf } from '../../src/node/ike/esp-sa-params.ts';
import { akaUeConfig, EventLog } from '../../src/node/ike/test-support.ts';
import { osRandom, UdpIkeEndpoint } from '../../src/node/ike/udp-endpoint.ts';
import { KeyLogWriter } from '../../src/obs/keylog.ts';
import { LINKTYPE_RAW, writePcap } from '../../src/obs/pcap.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import { findAll, findField, type TsharkLayers } from '../oracle/tshark.ts';
import { TEST_HA_APN, TEST_IMSI, TEST_NAI } from '../peers/strongswan/identities.ts';
import { startLoopbackCapture } from '../peers/strongswan/loopback-capture.ts';
import { bindingUpdate, freshPki, openOurHa } from './support.ts';

const run = promisify(execFile);
const LOOPBACK = '127.0.0.1';
const HA_HOME_ADDRESS = Ipv6Address.parse('2001:db8:ffff::1');

test('tshark decrypts a captured attach (IKE_AUTH: IDi, CP, EAP-AKA) and an ESP-protected BU with our key log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-keylog-capture-'));
  const keyDir = join(dir, 'wireshark');
  const pki = freshPki(TEST_HA_APN);
  const [haIkePort, haNatTPort, haMipPort] = await freeUdpPorts(3);
  const received: Uint8Array[] = [];
  const mip = createSocket('udp4'); // the HA's RFC 5555 UDP port (4191 in the field)
  const ueMip = createSocket('udp4');
  const ha = await openOurHa({
    address: LOOPBACK,
    ikePort: haIkePort!,
    natTPort: haNatTPort!,
    pki,
    identity: TEST_HA_APN,
    imsi: TEST_IMSI,
  });
  const ueLog = new EventLog();
  let ue: UdpIkeEndpoint<IkeInitiator> | undefined;
  const capture = await startLoopbackCapture(
    `udp port ${haIkePort} or udp port ${haNatTPort} or udp port ${haMipPort}`,
    dir,
  );
  try {
    await new Promise<void>((resolve) => mip.bind(haMipPort, LOOPBACK, resolve));
    mip.on('message', (m) => received.push(new Uint8Array(m)));
    ue = await UdpIkeEndpoint.open(
      { address: LOOPBACK, ikePort: 0, natTPort: 0, onEvent: ueLog.push, keyLog: new KeyLogWriter(keyDir) },
      (local) =>
        new IkeInitiator(
          akaUeConfig({
            local,
            remote: { address: Ipv4Address.parse(LOOPBACK), port: haIkePort!, natTPort: haNatTPort! },
            imsi: TEST_IMSI,
            caCertPem: pki.caCertPem,
            apn: TEST_HA_APN,
            homeAgentAddress: HA_HOME_ADDRESS,
            requestDns: false,
          }),
        ),
    );
    ue.run((engine, now) => engine.connect(now));
    await ueLog.waitFor((l) => l.of('child-sa-established').length === 2, 'both Child SAs on the UE');
    await ha.log.waitFor((l) => l.of('child-sa-established').length === 2, 'both Child SAs on the HA');

    // IPv6 { HoA → HA } | ESP (transport, BU/BA SA) | MH BU { A, H, lifetime, IPv4 CoA option }
    const child = ueLog.of('child-sa-established')[1]!;
    const homeAddress = child.homeAddress!;
    const ueSad = new EspSad({ random: osRandom });
    const ueSa = ueSad.install(espSaParamsOf(child, ue.engine.ikeSa(child.ikeSaId)!.path).outbound);
    const mh = bindingUpdate(homeAddress, HA_HOME_ADDRESS, Ipv4Address.parse(LOOPBACK));
    const sealed = protectPacket(ueSa, { version: 6, source: homeAddress, destination: HA_HOME_ADDRESS }, 135, mh);
    assert.ok(sealed.ok);
    await new Promise<void>((resolve, reject) =>
      ueMip.send(sealed.packet, haMipPort!, LOOPBACK, (e) => (e ? reject(e) : resolve())),
    );
    const deadline = Date.now() + 2000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));

    // Our HA opens it with the inbound half of its own Child SA: the same BU comes out.
    const haChild = ha.log.of('child-sa-established')[1]!;
    const haSad = new EspSad({ random: osRandom });
    haSad.install(espSaParamsOf(haChild, ha.endpoint.engine.ikeSa(haChild.ikeSaId)!.path).inbound);
    const opened = receiveIpsecPacket(haSad, received[0]!);
    assert.ok(opened.ok, JSON.stringify(opened));
    assert.equal(opened.nextHeader, 135);
    assert.deepEqual(opened.data, mh);

    // IKE_SA_INIT 2 + IKE_AUTH 6 (ID, EAP, AUTH round trips) + CREATE_CHILD_SA 2 + the BU
    const packets = await capture.stop(11);
    assert.equal(packets.length, 11);
    const layers = await tsharkWithKeyLog(keyDir, dir, packets, haIkePort!, haMipPort!);
    const all = (i: number, key: string) => findAll(layers[i], key).map(String);

    // IKE_AUTH { IDi, CERTREQ, IDr, N, CP(CFG_REQUEST), SA, TSi, TSr } -->   decrypted
    assert.deepEqual(all(2, 'isakmp.id.type'), ['3', '2']); // ID_RFC822_ADDR, ID_FQDN (RFC 7296 §3.5)
    assert.deepEqual(all(2, 'isakmp.id.data.user_fqdn'), [TEST_NAI]);
    assert.deepEqual(all(2, 'isakmp.id.data.fqdn'), [TEST_HA_APN]);
    assert.deepEqual(all(2, 'isakmp.cfg.type'), ['1']); // CFG_REQUEST
    assert.deepEqual(all(2, 'isakmp.cfg.attr.type'), ['16']); // MIP6_HOME_PREFIX, empty
    assert.deepEqual(all(2, 'isakmp.cfg.attr.length'), ['0']);
    // <-- IKE_AUTH { IDr, CERT, AUTH, EAP-Request/AKA-Challenge (AT_RAND, AT_AUTN, AT_MAC) }
    assert.deepEqual(
      [all(3, 'eap.code'), all(3, 'eap.type'), all(3, 'eap.aka.subtype'), all(3, 'eap.aka.subtype.type')],
      [['1'], ['23'], ['1'], ['1', '2', '11']],
    );
    // IKE_AUTH { EAP-Response/AKA-Challenge (AT_RES, AT_MAC) } -->
    assert.deepEqual(
      [all(4, 'eap.code'), all(4, 'eap.type'), all(4, 'eap.aka.subtype'), all(4, 'eap.aka.subtype.type')],
      [['2'], ['23'], ['1'], ['3', '11']],
    );
    assert.deepEqual(all(5, 'eap.code'), ['3']); // <-- EAP-Success
    // <-- IKE_AUTH { AUTH, CP(CFG_REPLY: the 21-byte MIP6_HOME_PREFIX), SA, TSi, TSr }
    assert.deepEqual(all(7, 'isakmp.cfg.type'), ['2']);
    assert.deepEqual(all(7, 'isakmp.cfg.attr.type'), ['16']);
    assert.deepEqual(all(7, 'isakmp.cfg.attr.length'), ['21']);
    // lifetime 86400 s, 2001:db8:1::, /64 (RFC 5026 §8.2)
    assert.deepEqual(all(7, 'isakmp.cfg.attr.value'), [
      '00:01:51:80:20:01:0d:b8:00:01:00:00:00:00:00:00:00:00:00:00:40',
    ]);
    // CREATE_CHILD_SA request and response: decrypted too (their payload markers are inside the SK payload).
    for (const i of [8, 9]) assert.ok(findField(layers[i], 'isakmp.enc.decrypted'), `packet ${i} decrypted`);

    // The BU: ESP verified and decrypted with the esp_sa line, the Mobility Header inside readable.
    const bu = layers[10]!;
    assert.deepEqual(all(10, 'esp.spi'), [`0x${child.spiOut.toString(16).padStart(8, '0')}`]);
    assert.deepEqual(all(10, 'esp.icv_good'), ['1']);
    assert.deepEqual(all(10, 'ipv6.src'), [homeAddress.toString()]);
    assert.deepEqual(all(10, 'mip6.mhtype'), ['5']);
    assert.deepEqual(all(10, 'mip6.bu.seqnr'), ['7']);
    assert.deepEqual(all(10, 'mip6.bu.lifetime'), ['100']); // 4-second units
    assert.deepEqual(all(10, 'mip6.ipv4coa.addr'), [LOOPBACK]);
    assert.ok(!JSON.stringify(bu).includes('_ws.malformed'));
  } finally {
    await capture.stop(0, 0);
    mip.close();
    ueMip.close();
    await ue?.close();
    await ha.endpoint.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** One tshark run over the captured packets, configured by nothing but the key log directory. */
async function tsharkWithKeyLog(
  keyDir: string,
  dir: string,
  packets: readonly Uint8Array[],
  ikePort: number,
  mipPort: number,
): Promise<TsharkLayers[]> {
  const file = join(dir, 'capture.pcap');
  writeFileSync(file, writePcap(packets, LINKTYPE_RAW));
  const { stdout } = await run(
    'tshark',
    [
      '-n',
      '-r',
      file,
      '-T',
      'json',
      '--no-duplicate-keys',
      '-d',
      `udp.port==${ikePort},isakmp`,
      '-d',
      `udp.port==${mipPort},ipv6`,
    ],
    { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, WIRESHARK_CONFIG_DIR: keyDir } },
  );
  return (JSON.parse(stdout) as { _source: { layers: TsharkLayers } }[]).map((p) => p._source.layers);
}
