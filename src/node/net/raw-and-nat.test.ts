// The raw-socket probe (available with the privilege and the native addon, and why not otherwise), the provider's raw refusals, the one-deadline
// timer, and the in-process NAT relay: the far end sees the NAT's address and a rewritten port, answers go back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawProtocol, TransportError } from '../../net/transport.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import { DeadlineTimer } from './clock.ts';
import { hasRawSocketPrivilege, probeRawSockets } from './raw-sockets.ts';
import { NodeTransportProvider } from './transport-provider.ts';
import { UdpNatRelay } from './udp-nat-relay.ts';
import type { NodeUdpTransport } from './udp-transport.ts';

test('CAP_NET_RAW is bit 13 of CapEff; no CapEff line falls back to the uid', () => {
  assert.equal(hasRawSocketPrivilege('Name:\tnode\nCapEff:\t0000000000002000\n'), true);
  assert.equal(hasRawSocketPrivilege('CapEff:\t000001ffffffffff\n'), true);
  assert.equal(hasRawSocketPrivilege('CapEff:\t0000000000000000\n'), false);
  assert.equal(hasRawSocketPrivilege('CapEff:\t0000000000001000\n'), false);
  assert.equal(hasRawSocketPrivilege('nothing here'), process.getuid?.() === 0);
});

test('the probe: unprivileged, privileged without the addon, or available', () => {
  const reasonOf = (s: ReturnType<typeof probeRawSockets>) => (s.available ? 'available' : s.reason);
  assert.equal(reasonOf(probeRawSockets(false, { available: true })), 'not-privileged');
  const missing = probeRawSockets(true, { available: false, reason: 'the native addon is not built' });
  assert.equal(reasonOf(missing), 'not-implemented');
  assert.match(missing.available ? '' : missing.detail, /permitted, but the native addon is not built/);
  assert.equal(reasonOf(probeRawSockets(true, { available: true })), 'available');
});

test('the provider refuses raw sockets: PERMISSION for DSMIPv6 protocols, UNSUPPORTED for others', async () => {
  const p = new NodeTransportProvider({ rawSupport: probeRawSockets(false) });
  assert.equal(p.canOpenRaw(RawProtocol.IPV6_IN_IP, 4), false);
  const codeOf = async (protocol: number, family: 4 | 6) => {
    try {
      await p.openRaw(protocol, family);
    } catch (e) {
      return e instanceof TransportError ? e.code : 'other';
    }
    return 'opened';
  };
  assert.deepEqual(
    [await codeOf(41, 4), await codeOf(135, 6), await codeOf(135, 4), await codeOf(17, 4)],
    ['PERMISSION', 'PERMISSION', 'UNSUPPORTED', 'UNSUPPORTED'],
  );
});

test('DeadlineTimer fires once at the deadline, re-arms, disarms, and stops for good', async () => {
  let clock = 0;
  const fired: number[] = [];
  const t = new DeadlineTimer(
    (now) => fired.push(now),
    () => clock,
  );
  t.arm(5);
  t.arm(undefined); // disarmed before it fires
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(fired, []);
  clock = 7;
  t.arm(5); // already due
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(fired, [7]);
  t.arm(8);
  t.stop();
  t.arm(9);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(fired, [7]);
});

test('NAT relay: the server sees the outside address with a new port; its answer reaches the inside client', async () => {
  const inside = Ipv4Address.parse('127.0.0.3');
  const lo = Ipv4Address.parse('127.0.0.1');
  const provider = new NodeTransportProvider();
  const server = await provider.openUdp({ family: 4, address: lo, port: 0 });
  const client = await provider.openUdp({ family: 4, address: Ipv4Address.parse('127.0.0.2'), port: 0 });
  const relay = await UdpNatRelay.open({
    insideAddress: inside,
    outsideAddress: inside,
    forwards: [{ port: server.localPort, to: { address: lo, port: server.localPort } }],
  });
  try {
    const once = (t: NodeUdpTransport) =>
      new Promise<Parameters<Parameters<NodeUdpTransport['onMessage']>[0]>[0]>((r) => t.onMessage(r));
    const atServer = once(server);
    client.send(Uint8Array.of(1), inside, server.localPort);
    const d = await atServer;
    assert.equal(d.source.toString(), '127.0.0.3');
    assert.notEqual(d.sourcePort, client.localPort, 'the port was rewritten');
    assert.equal(await relay.outsidePortOf(client.localAddress, client.localPort), d.sourcePort);
    const atClient = once(client);
    server.send(Uint8Array.of(2), d.source, d.sourcePort);
    const back = await atClient;
    assert.deepEqual([back.source.toString(), back.sourcePort, back.payload[0]], ['127.0.0.3', server.localPort, 2]);
    // A second datagram reuses the mapping (endpoint-independent, RFC 4787 REQ-1).
    const again = once(server);
    client.send(Uint8Array.of(3), inside, server.localPort);
    assert.equal((await again).sourcePort, d.sourcePort);
    assert.deepEqual([relay.mappingCount, relay.counters.forwardedOut, relay.counters.forwardedIn], [1, 2, 1]);
  } finally {
    await relay.close();
    await provider.closeAll();
  }
});
