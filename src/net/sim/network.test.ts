import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { destinationOf, type SimEndpoint, SimError, SimNetwork } from './network.ts';
import { type Datagram, SimUdpHost } from './udp-host.ts';

const A4 = Ipv4Address.parse('192.168.1.10');
const B4 = Ipv4Address.parse('192.0.2.1');
const PUB = Ipv4Address.parse('203.0.113.5');
const A6 = Ipv6Address.parse('2001:db8::a');
const B6 = Ipv6Address.parse('2001:db8::b');

function echoServer(host: SimUdpHost, port: number, log: Datagram[]): void {
  host.bind(port, (_now, d) => {
    log.push(d);
    host.sendTo({
      source: d.destination,
      sourcePort: port,
      destination: d.source,
      destinationPort: d.sourcePort,
      payload: d.payload,
    });
  });
}

test('UDP over IPv4 and IPv6 between two hosts with latency; virtual time advances only by events', () => {
  const net = new SimNetwork({ seed: 1 });
  const a = new SimUdpHost();
  const b = new SimUdpHost();
  net.addNode('a', [A4, A6], a);
  net.addNode('b', [B4, B6], b);
  net.connect('a', 'b', { latencyMs: 25 });
  const seen: Datagram[] = [];
  const replies: Datagram[] = [];
  echoServer(b, 7, seen);
  a.bind(9, (_n, d) => replies.push(d));
  a.sendTo({ source: A4, sourcePort: 9, destination: B4, destinationPort: 7, payload: Uint8Array.of(1) });
  a.sendTo({ source: A6, sourcePort: 9, destination: B6, destinationPort: 7, payload: Uint8Array.of(2) });
  net.runUntilQuiescent();
  assert.equal(net.now, 50);
  assert.deepEqual(
    replies.map((d) => [d.source.toString(), d.payload[0]]),
    [
      ['192.0.2.1', 1],
      ['2001:db8::b', 2],
    ],
  );
});

test('a NAT between inside host and server: the server sees the public address and port, replies get back', () => {
  const net = new SimNetwork({ seed: 1 });
  const inside = new SimUdpHost();
  const server = new SimUdpHost();
  net.addNode('inside', [A4], inside);
  net.addNode('server', [B4], server);
  const nat = net.addNat('nat', { publicAddress: PUB, mappingTimeoutMs: 30_000, firstPort: 50000 }, ['inside']);
  net.connect('inside', 'nat', { latencyMs: 1 });
  net.connect('nat', 'server', { latencyMs: 10 });
  net.setGateway('inside', 'nat');
  const seen: Datagram[] = [];
  const replies: Datagram[] = [];
  echoServer(server, 4500, seen);
  inside.bind(4500, (_n, d) => replies.push(d));
  inside.sendTo({ source: A4, sourcePort: 4500, destination: B4, destinationPort: 4500, payload: Uint8Array.of(7) });
  net.runUntilQuiescent();
  assert.deepEqual([seen[0]!.source.toString(), seen[0]!.sourcePort], ['203.0.113.5', 50000]);
  assert.deepEqual([replies[0]!.source.toString(), replies[0]!.destinationPort], ['192.0.2.1', 4500]);
  assert.equal(nat.mappingCount, 1);
});

test('loss, duplication and reordering are reproducible from the seed', () => {
  const run = (seed: number) => {
    const net = new SimNetwork({ seed });
    const a = new SimUdpHost();
    const b = new SimUdpHost();
    net.addNode('a', [A4], a);
    net.addNode('b', [B4], b);
    net.connect('a', 'b', { latencyMs: 10, jitterMs: 5, loss: 0.2, duplicate: 0.2, reorder: 0.3, reorderDelayMs: 50 });
    const got: number[] = [];
    b.bind(1, (_n, d) => got.push(d.payload[0]!));
    for (let i = 0; i < 40; i++)
      a.sendTo({ source: A4, sourcePort: 1, destination: B4, destinationPort: 1, payload: Uint8Array.of(i) });
    net.runUntilQuiescent();
    return got;
  };
  const first = run(99);
  assert.deepEqual(run(99), first);
  assert.notDeepEqual(run(100), first);
  assert.ok(first.length < 40 || new Set(first).size < first.length, 'something was lost or duplicated');
  assert.ok(
    first.some((x, i) => i > 0 && x < first[i - 1]!),
    'something was reordered',
  );
});

test('a filter drops chosen packets deterministically and can be removed', () => {
  const net = new SimNetwork({ seed: 1 });
  const a = new SimUdpHost();
  const b = new SimUdpHost();
  net.addNode('a', [A4], a);
  net.addNode('b', [B4], b);
  net.connect('a', 'b');
  const got: number[] = [];
  b.bind(1, (_n, d) => got.push(d.payload[0]!));
  const remove = net.addFilter((p) => p.packet[p.packet.length - 1] === 0);
  for (const x of [0, 1])
    a.sendTo({ source: A4, sourcePort: 1, destination: B4, destinationPort: 1, payload: Uint8Array.of(x) });
  net.runUntilQuiescent();
  remove();
  a.sendTo({ source: A4, sourcePort: 1, destination: B4, destinationPort: 1, payload: Uint8Array.of(0) });
  net.runUntilQuiescent();
  assert.deepEqual(got, [1, 0]);
  assert.equal(net.trace.filter((t) => t.event === 'filtered').length, 1);
});

test('unroutable and malformed packets are recorded, never delivered', () => {
  const net = new SimNetwork({ seed: 1 });
  const a = new SimUdpHost();
  net.addNode('a', [A4], a);
  a.sendTo({ source: A4, sourcePort: 1, destination: B4, destinationPort: 1, payload: new Uint8Array(1) });
  net.inject('a', Uint8Array.of(0x45, 0));
  net.runUntilQuiescent();
  assert.deepEqual(
    net.trace.map((t) => t.event),
    ['malformed', 'no-route'], // injected at once; the host's packet when its queue is drained
  );
  assert.equal(destinationOf(Uint8Array.of(0x60)), undefined);
});

test('the runner fails loudly: a step limit, a time limit, a stall', () => {
  const chatty: SimEndpoint = {
    receive() {},
    timeout() {},
    nextTimeout: () => net.now + 1, // always due again
    pollSend: () => undefined,
  };
  const net = new SimNetwork({ seed: 1 });
  net.addNode('chatty', [A4], chatty);
  assert.throws(
    () => net.runUntilQuiescent({ maxSteps: 50, quietMs: 10 }),
    (e: unknown) => e instanceof SimError && e.code === 'STEP_LIMIT',
  );
  assert.throws(
    () => net.runUntil(() => false, { maxTimeMs: 20, maxSteps: 1000 }),
    (e: unknown) => e instanceof SimError && e.code === 'TIME_LIMIT',
  );
  const quiet = new SimNetwork({ seed: 1 });
  assert.throws(
    () => quiet.runUntil(() => false),
    (e: unknown) => e instanceof SimError && e.code === 'STALLED',
  );
  assert.throws(
    () => quiet.connect('x', 'y'),
    (e: unknown) => e instanceof SimError && e.code === 'UNKNOWN_NODE',
  );
  quiet.addNode('x', [A4]);
  assert.throws(
    () => quiet.addNode('y', [A4]),
    (e: unknown) => e instanceof SimError && e.code === 'DUPLICATE',
  );
});

test('a routing loop ends after a bounded number of hops', () => {
  const net = new SimNetwork({ seed: 1 });
  const a = new SimUdpHost();
  net.addNode('a', [A4], a);
  net.addNode('r1', []);
  net.addNode('r2', []);
  net.connect('a', 'r1');
  net.connect('r1', 'r2');
  net.setGateway('a', 'r1');
  net.setGateway('r1', 'r2');
  net.setGateway('r2', 'r1');
  a.sendTo({ source: A4, sourcePort: 1, destination: B4, destinationPort: 1, payload: new Uint8Array(1) });
  net.runUntilQuiescent({ maxSteps: 100 });
  assert.equal(net.trace.at(-1)!.event, 'no-route');
});

test('advance() runs timers up to a point in virtual time', () => {
  const net = new SimNetwork({ seed: 1, startMs: 1000 });
  const h = new SimUdpHost();
  net.addNode('h', [A4], h);
  const fired: number[] = [];
  h.schedule(1500, (now) => fired.push(now));
  h.schedule(3000, (now) => fired.push(now));
  net.advance(1000);
  assert.deepEqual(fired, [1500]);
  assert.equal(net.now, 2000);
});
