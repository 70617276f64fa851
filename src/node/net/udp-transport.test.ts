// The node:dgram transport on real loopback sockets, against the contract of src/net/transport.ts: addresses and
// ports as the receiver sees them, the error codes, the trace hook in both directions, lab aliases (a documentation
// address carried on 127.0.0.2), and sockets that are really released on close.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { type InboundDatagram, TransportError } from '../../net/transport.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { AddressAliases } from './address-aliases.ts';
import type { DatagramTraceEvent } from './datagram-trace.ts';
import { datagramRecordOf, summarizeDatagram } from './datagram-trace.ts';
import { NodeTransportProvider } from './transport-provider.ts';
import { addressOfText, NodeUdpTransport, transportErrorOf } from './udp-transport.ts';

const LO4 = Ipv4Address.parse('127.0.0.1');
const LO6 = Ipv6Address.parse('::1');
const DOC4 = Ipv4Address.parse('192.0.2.100');
const NOT_OURS4 = Ipv4Address.parse('192.0.2.1');

function next(t: NodeUdpTransport): Promise<InboundDatagram> {
  return new Promise((resolve) => t.onMessage(resolve));
}

async function code(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof TransportError) return e.code;
    throw e;
  }
  return 'no error';
}

function udpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
}

test('IPv4 and IPv6: a datagram arrives with its source, the bound local address and port, and a time', async () => {
  for (const lo of [LO4, LO6] as IpAddress[]) {
    const family = lo instanceof Ipv4Address ? 4 : 6;
    const a = await NodeUdpTransport.open({ family, address: lo, port: 0 });
    const b = await NodeUdpTransport.open({ family, address: lo, port: 0, label: 'server' });
    try {
      assert.ok(a.localPort > 0 && b.localPort > 0 && a.localPort !== b.localPort);
      assert.equal(b.label, 'server');
      const got = next(b);
      const before = performance.timeOrigin + performance.now();
      a.send(Uint8Array.of(1, 2, 3), lo, b.localPort, { source: lo });
      const d = await got;
      assert.deepEqual(
        [d.source.toString(), d.sourcePort, d.local.toString(), d.localPort, [...d.payload]],
        [lo.toString(), a.localPort, lo.toString(), b.localPort, [1, 2, 3]],
      );
      assert.ok(d.receivedAt >= before);
      assert.ok(!(d.payload instanceof Buffer), 'Uint8Array outside src/node/net');
    } finally {
      a.close();
      b.close();
    }
  }
});

test('bind errors and send refusals carry the transport codes', async () => {
  const a = await NodeUdpTransport.open({ family: 4, address: LO4, port: 0 });
  assert.equal(await code(NodeUdpTransport.open({ family: 4, address: LO4, port: a.localPort })), 'ADDRESS_IN_USE');
  assert.equal(await code(NodeUdpTransport.open({ family: 4, address: NOT_OURS4, port: 0 })), 'ADDRESS_NOT_AVAILABLE');
  assert.equal(await code(NodeUdpTransport.open({ family: 6, address: LO4, port: 0 })), 'FAMILY_MISMATCH');
  await assert.rejects(NodeUdpTransport.open({ family: 4, port: 70000 }), RangeError);
  assert.equal(await code(() => a.send(Uint8Array.of(0), LO6, 1)), 'FAMILY_MISMATCH');
  assert.equal(await code(() => a.send(Uint8Array.of(0), LO4, 1, { source: NOT_OURS4 })), 'ADDRESS_NOT_AVAILABLE');
  const wildcard = await NodeUdpTransport.open({ family: 4, port: 0 });
  assert.ok(wildcard.localAddress.isUnspecified);
  assert.equal(
    await code(() => wildcard.send(Uint8Array.of(0), LO4, a.localPort, { source: LO4 })),
    'ADDRESS_NOT_AVAILABLE',
    'a wildcard socket cannot pick its source (no IP_PKTINFO in node:dgram)',
  );
  wildcard.close();
  a.close();
  assert.equal(await code(() => a.send(Uint8Array.of(0), LO4, 1)), 'CLOSED');
  a.close(); // twice is fine
  await Promise.all([a.closed, wildcard.closed]);
  assert.equal(transportErrorOf({ code: 'EACCES' }, 'bind')?.code, 'PERMISSION');
  assert.equal(transportErrorOf({ code: 'EOTHER' }, 'bind'), undefined);
  assert.equal(addressOfText('fe80::1%lo').toString(), 'fe80::1');
});

test('the trace hook sees each datagram once per end, with the same bytes and both views of the addresses', async () => {
  const events: DatagramTraceEvent[] = [];
  const provider = new NodeTransportProvider({ onTrace: (e) => events.push(e) });
  const a = await provider.openUdp({ family: 4, address: LO4, port: 0, label: 'a' });
  const b = await provider.openUdp({ family: 4, address: LO4, port: 0, label: 'b' });
  const got = next(b);
  a.send(Uint8Array.of(9, 8), LO4, b.localPort);
  await got;
  assert.deepEqual(
    events.map((e) => [e.direction, e.label, e.localPort, e.remotePort, [...e.payload]]),
    [
      ['sent', 'a', a.localPort, b.localPort, [9, 8]],
      ['received', 'b', b.localPort, a.localPort, [9, 8]],
    ],
  );
  const [sent, received] = events;
  assert.deepEqual(datagramRecordOf(sent!), datagramRecordOf(received!), 'source → destination agree');
  assert.equal(provider.openCount, 2);
  await provider.closeAll();
  assert.equal(provider.openCount, 0);
});

test('aliases: a documentation address carried on 127.0.0.2 is what both ends see; the kernel sees loopback', async () => {
  const aliases = new AddressAliases([{ address: DOC4, via: Ipv4Address.parse('127.0.0.2') }]);
  const events: DatagramTraceEvent[] = [];
  const provider = new NodeTransportProvider({ aliases, onTrace: (e) => events.push(e) });
  const ue = await provider.openUdp({ family: 4, address: DOC4, port: 0 });
  const ha = await provider.openUdp({ family: 4, address: LO4, port: 0 });
  assert.equal(ue.localAddress.toString(), '192.0.2.100');
  const atHa = next(ha);
  ue.send(Uint8Array.of(1), LO4, ha.localPort, { source: DOC4 });
  const d = await atHa;
  assert.equal(d.source.toString(), '192.0.2.100');
  const atUe = next(ue);
  ha.send(Uint8Array.of(2), d.source, d.sourcePort);
  const back = await atUe;
  assert.deepEqual([back.source.toString(), back.local.toString(), back.payload[0]], ['127.0.0.1', '192.0.2.100', 2]);
  const sent = events.find((e) => e.direction === 'sent' && e.label === `udp/${ue.localPort}`)!;
  assert.deepEqual(
    [sent.local.toString(), sent.wireLocal.toString(), datagramRecordOf(sent, 'wire').source.toString()],
    ['192.0.2.100', '127.0.0.2', '127.0.0.2'],
  );
  await provider.closeAll();
});

test('aliases must be 1:1, of one family, carried by loopback, and never alias loopback itself', () => {
  const via = Ipv4Address.parse('127.0.0.2');
  assert.throws(() => new AddressAliases([{ address: DOC4, via: NOT_OURS4 }]), RangeError);
  assert.throws(() => new AddressAliases([{ address: DOC4, via: LO6 }]), RangeError);
  assert.throws(() => new AddressAliases([{ address: Ipv4Address.parse('127.0.0.9'), via }]), RangeError);
  assert.throws(
    () =>
      new AddressAliases([
        { address: DOC4, via },
        { address: NOT_OURS4, via },
      ]),
    RangeError,
  );
  const ok = new AddressAliases([{ address: DOC4, via }]);
  assert.deepEqual([ok.toWire(DOC4), ok.fromWire(via), ok.toWire(LO4), ok.fromWire(LO4)].map(String), [
    '127.0.0.2',
    '192.0.2.100',
    '127.0.0.1',
    '127.0.0.1',
  ]);
});

test('close releases the kernel socket: no UDP handle is left', async () => {
  const before = udpHandles();
  const provider = new NodeTransportProvider();
  await provider.openUdp({ family: 4, address: LO4, port: 0 });
  await provider.openUdp({ family: 6, address: LO6, port: 0 });
  assert.equal(udpHandles(), before + 2);
  await provider.closeAll();
  assert.equal(udpHandles(), before);
});

test('summarizeDatagram decodes by socket label where the ports say nothing (kernel-chosen IKE and DNS ports)', () => {
  const base = {
    direction: 'sent' as const,
    local: LO4,
    localPort: 40000,
    remote: LO4,
    remotePort: 40001,
    wireLocal: LO4,
    wireRemote: LO4,
    atMs: 0,
  };
  const dnsQuery = new Uint8Array(
    dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name: 'ha.example' }] }),
  );
  const esp = Uint8Array.of(0, 0, 0x12, 0x34, 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8);
  const rows = [
    summarizeDatagram({ ...base, label: 'dns', payload: dnsQuery }),
    summarizeDatagram({ ...base, label: 'nat-t', payload: Uint8Array.of(0xff) }),
    summarizeDatagram({ ...base, label: 'nat-t', payload: esp }),
    summarizeDatagram({ ...base, label: 'nat-t', payload: Uint8Array.of(0, 0, 0, 0, 1) }),
    summarizeDatagram({ ...base, label: 'ike', payload: Uint8Array.of(1, 2, 3) }),
    summarizeDatagram({ ...base, label: 'udp/4191', payload: new Uint8Array(0) }),
  ];
  assert.deepEqual(
    rows.map((r) => r.protocol),
    ['DNS', 'UDP', 'ESP', 'IKE', 'IKE', 'UDP'],
  );
  assert.match(rows[0]!.summary, /query A ha\.example/);
  assert.equal(rows[1]!.summary, 'NAT keepalive');
  assert.match(rows[2]!.summary, /spi=0x00001234 seq=7/);
  assert.match(rows[3]!.summary, /malformed/, 'a marker then no IKE header');
  assert.equal(rows[0]!.details[0], 'UDP 127.0.0.1:40000 → 127.0.0.1:40001');
});
