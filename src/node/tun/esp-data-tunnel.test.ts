import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { seededRandom } from '../../ike/test-support.ts';
import { openEsp } from '../../ipsec/esp-protect.ts';
import type { EspSaParams } from '../../ipsec/sa-params.ts';
import { EspSad } from '../../ipsec/sad.ts';
import { TransportError } from '../../net/transport.ts';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { buildIpv4Packet } from '../../wire/ip/build.ts';
import { parseIpv4 } from '../../wire/ip/ipv4.ts';
import { espOfIpv4 } from './data-sa.ts';
import { EspDataTunnel, type EspOutput, espMaxInner } from './esp-data-tunnel.ts';
import { ping } from './test-support.ts';
import { TunnelFramer } from './tunnel-framer.ts';
import { MIN_LINK_MTU } from './tunnel-mtu.ts';

const UE = Ipv4Address.parse('192.0.2.10');
const HA = Ipv4Address.parse('198.51.100.1');

test('the plain ESP outer header (RFC 4303 §3.1.2, RFC 4301 §5.1.2.1): protocol 50, DSCP and DF from inside, Not-ECT', () => {
  const framer = new TunnelFramer({ kind: 'ipv4', source: UE, destination: HA }, 0x1234);
  // Inner IPv4 with DSCP 46 (EF) + ECT(0) and DF set; the ESP bytes stand for the sealed packet.
  const inner = buildIpv4Packet({
    src: UE,
    dst: HA,
    protocol: 17,
    payload: new Uint8Array(8),
    dscp: 46,
    ecn: 2,
    dontFragment: true,
  });
  const esp = fromHex('00001001 00000001 aabbccdd');
  const out = framer.frameAround(esp, inner, 50);
  // TOS 0xb8: DSCP 46, ECN 00 (RFC 6040 §4.1 compatibility mode).
  //            ver/IHL TOS  total  ID    flags  TTL proto  checksum  source    destination
  assert.equal(toHex(out.subarray(0, 20)), '45b80020123440004032' + '3b81' + 'c000020a' + 'c6336401');
  assert.deepEqual(out.subarray(20), esp);
  const parsed = parseIpv4(Reader.of(out, 'ipv4')); // verifies the header checksum (RFC 791 §3.1)
  assert.deepEqual([parsed.dscp, parsed.ecn, parsed.dontFragment, parsed.identification], [46, 0, true, 0x1234]);
  // Inner IPv6: DF clear (the tunnel MTU bounds IPv6).
  const six = framer.frameAround(esp, ping(Ipv6Address.parse('2001:db8::1'), Ipv6Address.parse('2001:db8::2')), 50);
  const p6 = parseIpv4(Reader.of(six, 'ipv4'));
  assert.deepEqual(
    [p6.dontFragment, p6.identification, p6.protocol],
    [false, 0x1235, 50],
    'the Identification counts up',
  );
});

test('the plain ESP header checksum is right for any inner TOS, DF and length; ECN is never copied out', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 255 }), fc.boolean(), fc.integer({ min: 0, max: 1400 }), (tos, df, n) => {
      const inner = buildIpv4Packet({
        src: UE,
        dst: HA,
        protocol: 17,
        payload: new Uint8Array(n),
        dscp: tos >> 2,
        ecn: tos & 3,
        dontFragment: df,
      });
      const framer = new TunnelFramer({ kind: 'ipv4', source: HA, destination: UE }, n);
      const out = framer.frameAround(new Uint8Array(n + 8), inner, 50);
      const p = parseIpv4(Reader.of(out, 'ipv4'));
      assert.deepEqual([p.dscp, p.ecn, p.dontFragment, p.payload.length], [tos >> 2, 0, df, n + 8]);
    }),
  );
});

function sa(o: Partial<EspSaParams> = {}): { sad: EspSad; params: EspSaParams } {
  const params: EspSaParams = {
    spi: 0x1001,
    direction: 'outbound',
    mode: 'tunnel',
    encr: { id: 20, keyLengthBits: 256 },
    encrKey: new Uint8Array(36).fill(7),
    localAddress: UE,
    remoteAddress: HA,
    ...o,
  };
  return { sad: new EspSad({ random: seededRandom('esp') }), params };
}

test('the tunnel MTU of the SA (RFC 4301 §8.2): outer headers, IV, ICV, trailer and block alignment', () => {
  const gcm = sa();
  const g = gcm.sad.install(gcm.params);
  assert.equal(espMaxInner(g, false, { linkMtu: 1500, deviceMtu: 1500 }), 1500 - 20 - 8 - 8 - 16 - 2);
  assert.equal(espMaxInner(g, true, { linkMtu: 1500, deviceMtu: 1500 }), 1500 - 28 - 8 - 8 - 16 - 2);
  assert.equal(espMaxInner(g, true, { linkMtu: 1500, deviceMtu: 1400 }), 1400, 'never above the device MTU');
  const cbc = sa({
    encr: { id: 12, keyLengthBits: 256 },
    encrKey: new Uint8Array(32),
    integ: 12,
    integKey: new Uint8Array(32),
  });
  const c = cbc.sad.install(cbc.params);
  // 1500 - 20 - 8 (SPI, Seq) - 16 (IV) - 16 (ICV) = 1440 bytes of ciphertext, whole 16-byte blocks.
  assert.equal(espMaxInner(c, false, { linkMtu: 1500, deviceMtu: 1500 }), 1440 - 2);
  assert.equal(espMaxInner(c, false, { linkMtu: 1501, deviceMtu: 1500 }), 1440 - 2);
});

test('at MIN_LINK_MTU every suite this node negotiates carries 1280 bytes in UDP; one byte less, one does not', () => {
  const suites = [
    { encr: { id: 20, keyLengthBits: 128 }, encrKey: new Uint8Array(20) },
    { encr: { id: 12, keyLengthBits: 256 }, encrKey: new Uint8Array(32), integ: 2, integKey: new Uint8Array(20) },
    { encr: { id: 12, keyLengthBits: 128 }, encrKey: new Uint8Array(16), integ: 12, integKey: new Uint8Array(32) },
  ];
  const worst = (linkMtu: number) =>
    Math.min(
      ...suites.map((o, i) => {
        const x = sa({ spi: 0x2000 + i, ...o });
        return espMaxInner(x.sad.install(x.params), true, { linkMtu, deviceMtu: 1500 });
      }),
    );
  assert.equal(worst(MIN_LINK_MTU), 1294, 'AES-CBC: 1296 bytes of plaintext, at least 1280 (RFC 8200 §5)');
  assert.equal(worst(MIN_LINK_MTU - 1), 1278, 'one block less');
});

test('what the tunnel sends opens on the peer SA to the same inner packet, in either format', () => {
  const sent: Uint8Array[] = [];
  const to: { address: string; port: number }[] = [];
  const output: EspOutput = {
    sendUdp: (esp, peer) => {
      sent.push(esp);
      to.push({ address: `${peer.address}`, port: peer.port });
      return true;
    },
    sendRaw: (p) => {
      sent.push(p);
      return true;
    },
  };
  const mtus = { linkMtu: 1500, deviceMtu: 1500 };
  const plain = sa();
  const raw = new EspDataTunnel(plain.sad.install(plain.params), output, mtus);
  const udp = sa({ spi: 0x1002, udpEncap: { localPort: 4500, remotePort: 40001 } });
  const encap = new EspDataTunnel(udp.sad.install(udp.params), output, mtus);
  const inner = ping(Ipv6Address.parse('2001:db8:1::42'), Ipv6Address.parse('2001:db8:5::5'), 100);
  assert.equal(raw.send(inner), undefined);
  assert.equal(encap.send(inner), undefined);
  assert.deepEqual(to, [{ address: `${HA}`, port: 40001 }]);
  const inbound = new EspSad({ random: seededRandom('in') });
  const open = (spi: number, esp: Uint8Array) =>
    openEsp(inbound.install({ ...plain.params, spi, direction: 'inbound' }), esp);
  const fromRaw = open(0x1001, espOfIpv4(sent[0]!)!);
  const fromUdp = open(0x1002, sent[1]!);
  assert.ok(fromRaw.ok && fromUdp.ok);
  assert.deepEqual([fromRaw.nextHeader, fromRaw.data], [41, inner]);
  assert.deepEqual(fromUdp.data, inner);
  // Plain ESP: the outer header of the tunnel's own framer, DSCP kept and ECN cleared (RFC 6040 §4.1).
  const marked = ping(Ipv6Address.parse('2001:db8:1::42'), Ipv6Address.parse('2001:db8:5::5'), 100);
  marked[0] = 0x6b; // Traffic Class 0xbb: DSCP 46, ECN 11 (CE)
  marked[1] = 0xb0;
  sent.length = 0;
  assert.equal(raw.send(marked), undefined);
  assert.equal(toHex(sent[0]!.subarray(0, 2)), '45b8');
});

test('UDP-encapsulated: the peer follows where it was last seen (RFC 7296 §2.23); plain ESP keeps its addresses', () => {
  const to: string[] = [];
  const output: EspOutput = {
    sendUdp: (_esp, peer) => {
      to.push(`${peer.address}:${peer.port}`);
      return true;
    },
    sendRaw: () => true,
  };
  const mtus = { linkMtu: 1500, deviceMtu: 1500 };
  const udp = sa({ udpEncap: { localPort: 4500, remotePort: 40001 } });
  const t = new EspDataTunnel(udp.sad.install(udp.params), output, mtus);
  const inner = ping(Ipv4Address.parse('10.0.0.1'), Ipv4Address.parse('10.0.0.2'));
  t.send(inner);
  t.follow({ address: Ipv4Address.parse('203.0.113.9'), port: 40002 });
  t.send(inner);
  t.follow({ address: Ipv4Address.parse('203.0.113.9'), port: 40002 });
  assert.deepEqual(to, [`${HA}:40001`, '203.0.113.9:40002']);
  assert.equal(`${t.peer?.address}:${t.peer?.port}`, '203.0.113.9:40002');
  const plain = sa({ spi: 0x1003 });
  const p = new EspDataTunnel(plain.sad.install(plain.params), output, mtus);
  p.follow({ address: Ipv4Address.parse('203.0.113.9'), port: 40002 });
  assert.equal(p.peer, undefined);
});

test('sending refusals: no socket, a socket error, an SA that may send no more', () => {
  const mtus = { linkMtu: 1500, deviceMtu: 1500 };
  const inner = ping(Ipv4Address.parse('10.0.0.1'), Ipv4Address.parse('10.0.0.2'));
  const none = sa();
  const noSocket: EspOutput = { sendUdp: () => false, sendRaw: () => false };
  assert.equal(new EspDataTunnel(none.sad.install(none.params), noSocket, mtus).send(inner), 'no-socket');
  const failing = sa();
  const throwing: EspOutput = {
    sendUdp: () => true,
    sendRaw: () => {
      throw new TransportError('CLOSED', 'closed');
    },
  };
  assert.equal(new EspDataTunnel(failing.sad.install(failing.params), throwing, mtus).send(inner), 'send-failed');
  const spent = sa({ lifetime: { hardPackets: 1 } });
  const t = new EspDataTunnel(spent.sad.install(spent.params), { sendUdp: () => true, sendRaw: () => true }, mtus);
  assert.equal(t.send(inner), undefined);
  assert.equal(t.send(inner), 'esp-refused', 'hard lifetime reached (RFC 4301 §4.4.2.1)');
});

test('a data SA is tunnel mode between IPv4 endpoints', () => {
  const output: EspOutput = { sendUdp: () => true, sendRaw: () => true };
  const mtus = { linkMtu: 1500, deviceMtu: 1500 };
  const transport = sa({ mode: 'transport' });
  assert.throws(() => new EspDataTunnel(transport.sad.install(transport.params), output, mtus), RangeError);
  const six = sa({ localAddress: Ipv6Address.parse('2001:db8::1'), remoteAddress: Ipv6Address.parse('2001:db8::2') });
  assert.throws(() => new EspDataTunnel(six.sad.install(six.params), output, mtus), RangeError);
});

test('espOfIpv4: only whole, unfragmented IPv4 packets carrying ESP; never reads out of bounds', () => {
  const esp = fromHex('00001001 00000001 aabbccdd');
  const whole = buildIpv4Packet({ src: UE, dst: HA, protocol: 50, payload: esp });
  assert.deepEqual(espOfIpv4(whole), esp);
  const padded = new Uint8Array(whole.length + 6);
  padded.set(whole);
  assert.deepEqual(espOfIpv4(padded), esp, 'bytes past Total Length are not ESP');
  const mutate = (at: number, v: number) => {
    const p = whole.slice();
    p[at] = v;
    return espOfIpv4(p);
  };
  assert.equal(mutate(9, 17), undefined, 'not protocol 50');
  assert.equal(mutate(0, 0x65), undefined, 'not version 4');
  assert.equal(mutate(0, 0x44), undefined, 'IHL below 5');
  assert.equal(mutate(3, 200), undefined, 'Total Length past the end');
  assert.equal(mutate(6, 0x20), undefined, 'More Fragments');
  assert.equal(mutate(7, 1), undefined, 'a fragment offset');
  assert.equal(espOfIpv4(whole.subarray(0, 19)), undefined);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      const r = espOfIpv4(b);
      assert.ok(r === undefined || r.length <= b.length);
    }),
  );
});
