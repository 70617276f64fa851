/**
 * The UDP shell with our UE and our HA on real loopback sockets (kernel-chosen ports), EAP-AKA set 1: the attach,
 * the move to the NAT-T port with the non-ESP marker, the demultiplexing of what arrives there, the key log, and
 * a close that leaves no socket or timer behind.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { IkeInitiator } from '../../ike/initiator.ts';
import { IkeResponder } from '../../ike/responder.ts';
import { pem, testPool } from '../../ike/test-support.ts';
import { ESP_SA_FILE, IKEV2_DECRYPTION_TABLE_FILE, KeyLogWriter } from '../../obs/keylog.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { akaHaConfig, akaUeConfig, EventLog, set1Store } from './test-support.ts';
import { osRandom, UdpIkeEndpoint as Udp, type UdpIkeEndpoint, type UdpPeer } from './udp-endpoint.ts';

const IMSI = '001010000000001';
const HA_NAME = 'ha.dsmip.test'; // the fixture certificate's dNSName
const LOOPBACK = '127.0.0.1';

function handles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap' || r === 'Timeout').length;
}

interface Pair {
  readonly ue: UdpIkeEndpoint<IkeInitiator>;
  readonly ha: UdpIkeEndpoint<IkeResponder>;
  readonly ueLog: EventLog;
  readonly haLog: EventLog;
  readonly esp: { bytes: Uint8Array; from: UdpPeer }[];
}

async function openPair(o: { alwaysUseNatT?: boolean; keyLog?: KeyLogWriter } = {}): Promise<Pair> {
  const ueLog = new EventLog();
  const haLog = new EventLog();
  const esp: Pair['esp'] = [];
  const ha = await Udp.open(
    {
      address: LOOPBACK,
      ikePort: 0,
      natTPort: 0,
      onEvent: haLog.push,
      onEsp: (bytes, from) => esp.push({ bytes: bytes.slice(), from }),
    },
    (local) =>
      new IkeResponder(
        akaHaConfig({
          local,
          certPem: pem('ha-ecdsa.pem'),
          keyPem: pem('ha-ecdsa.key'),
          identity: HA_NAME,
          store: set1Store(IMSI),
          pool: testPool(),
        }),
      ),
  );
  const ue = await Udp.open(
    { address: LOOPBACK, ikePort: 0, natTPort: 0, onEvent: ueLog.push, ...(o.keyLog ? { keyLog: o.keyLog } : {}) },
    (local) =>
      new IkeInitiator(
        akaUeConfig({
          local,
          remote: { address: ha.local.address, port: ha.local.ikePort, natTPort: ha.local.natTPort },
          imsi: IMSI,
          caCertPem: pem('ca-ecdsa.pem'),
          apn: HA_NAME,
          homeAgentAddress: Ipv6Address.parse('2001:db8:ffff::1'),
          alwaysUseNatT: o.alwaysUseNatT ?? false,
        }),
      ),
  );
  return { ue, ha, ueLog, haLog, esp };
}

test('attach over loopback UDP: EAP-AKA, home prefix, both Child SAs, key log lines, Delete, clean close', async () => {
  const before = handles();
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-udp-keylog-'));
  const p = await openPair({ keyLog: new KeyLogWriter(dir) });
  try {
    p.ue.run((ue, now) => ue.connect(now));
    await p.ueLog.waitFor((l) => l.of('child-sa-established').length === 2, 'both Child SAs on the UE');
    await p.haLog.waitFor((l) => l.of('child-sa-established').length === 2, 'both Child SAs on the HA');
    const [established] = p.haLog.of('ike-sa-established');
    assert.deepEqual(established?.eapIdentities, [IMSI]);
    assert.equal(established?.path.localPort, p.ha.local.ikePort); // no NAT, no move to NAT-T
    const [prefix] = p.ueLog.of('home-prefix-assigned');
    assert.equal(prefix?.homePrefix.prefix.toString(), '2001:db8:1::');
    const mobility = p.ueLog.of('child-sa-established')[1];
    assert.equal(mobility?.mode, 'transport');
    assert.equal(mobility?.udpEncapsulation, false);

    // One IKE SA and two Child SAs, each in both directions.
    const table = readFileSync(join(dir, IKEV2_DECRYPTION_TABLE_FILE), 'utf8').trim().split('\n');
    assert.equal(table.length, 1);
    assert.match(
      table[0]!,
      /^[0-9a-f]{16},[0-9a-f]{16},[0-9a-f]+,[0-9a-f]+,"AES-GCM-256 with 16 octet ICV \[RFC5282\]",,,/,
    );
    const espLines = readFileSync(join(dir, ESP_SA_FILE), 'utf8').trim().split('\n');
    assert.equal(espLines.length, 4);
    // The IKE_AUTH Child SA is a tunnel between the IKE endpoints (outer IPv4); the BU/BA SA protects IPv6 MH.
    assert.deepEqual(
      espLines.map((l) => l.split(',').slice(0, 3).join(',')),
      ['"IPv4","*","*"', '"IPv4","*","*"', '"IPv6","*","*"', '"IPv6","*","*"'],
    );

    const id = p.ueLog.of('ike-sa-established')[0]!.ikeSaId;
    p.ue.run((ue, now) => ue.deleteIkeSa(now, id));
    await p.haLog.waitFor((l) => l.of('ike-sa-deleted').length === 1, 'the Delete on the HA');
    await p.ueLog.waitFor((l) => l.of('ike-sa-deleted').length === 1, 'the Delete answered');
    assert.equal(p.ha.engine.ikeSaCount + p.ue.engine.ikeSaCount, 0);
  } finally {
    await p.ue.close();
    await p.ha.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // libuv releases a closed socket's handle at the end of the loop iteration; give it a few.
  const deadline = Date.now() + 1000;
  while (handles() > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(handles(), before, 'sockets and timers released');
});

test('NAT-T port: IKE after the non-ESP marker, ESP to the callback, keepalives and runts counted', async () => {
  const p = await openPair({ alwaysUseNatT: true });
  const raw = createSocket('udp4');
  try {
    p.ue.run((ue, now) => ue.connect(now));
    await p.ueLog.waitFor((l) => l.of('ike-sa-established').length === 1, 'the IKE SA on the UE');
    // RFC 5555 §5: the UE moved to the NAT-T ports after IKE_SA_INIT although there is no NAT.
    const [established] = p.haLog.of('ike-sa-established');
    assert.equal(established?.path.localPort, p.ha.local.natTPort);
    assert.equal(established?.path.remotePort, p.ue.local.natTPort);
    assert.ok(p.ha.engine.counters.received >= 4);
    assert.equal(p.ha.engine.counters.droppedMalformed, 0);

    const send = (bytes: number[]) =>
      new Promise<void>((resolve, reject) =>
        raw.send(Uint8Array.from(bytes), p.ha.local.natTPort, LOOPBACK, (e) => (e ? reject(e) : resolve())),
      );
    await send([0xff]); // NAT keepalive (RFC 3948 §2.3)
    await send([0, 0]); // too short for a marker or an SPI
    await send([0, 0, 0, 0, 1, 2, 3]); // marker, then no IKE header: malformed IKE
    const espPacket = [0x00, 0x00, 0x12, 0x34, 0, 0, 0, 1, 0xaa, 0xbb]; // SPI 0x1234, sequence 1
    await send(espPacket);
    const deadline = Date.now() + 2000;
    while (p.esp.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      p.esp.map((e) => [...e.bytes]),
      [espPacket],
    );
    assert.ok(p.esp[0]!.from.address instanceof Ipv4Address);
    assert.equal(p.esp[0]!.from.port, raw.address().port);
    assert.equal(p.ha.counters.natKeepalives, 1);
    assert.equal(p.ha.counters.runts, 1);
    assert.equal(p.ha.counters.espPackets, 1);
    assert.equal(p.ha.engine.counters.droppedMalformed, 1);
  } finally {
    raw.close();
    await p.ue.close();
    await p.ha.close();
  }
});

test('osRandom: the pooled CSPRNG hands out copies of the asked length, never the same bytes twice', () => {
  const seen = new Set<string>();
  // More than one 4 KiB pool's worth, in the sizes an attach asks for (jitter 2, SPI 4 and 8, nonce 32).
  for (let i = 0; i < 600; i++) {
    for (const n of [2, 4, 8, 32]) {
      const a = osRandom(n);
      assert.equal(a.length, n);
      assert.equal(a.byteOffset, 0);
      assert.equal(a.buffer.byteLength, n); // its own copy, not a view of the pool
      if (n === 32) {
        const hex = Buffer.from(a).toString('hex');
        assert.ok(!seen.has(hex));
        seen.add(hex);
      }
    }
  }
  const big = osRandom(5000);
  assert.equal(big.length, 5000);
  assert.ok(big.some((b) => b !== 0));
  assert.equal(osRandom(0).length, 0);
});
