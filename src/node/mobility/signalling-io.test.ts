// The I/O shell: which sockets each role opens and which it must do without, outputs no socket can carry, sends the
// transport refuses, packets handed back to the node's other paths, and closing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CN6, COA4, HA4, HOA, udpPacket, v4 } from '../../mip/test-fixtures.ts';
import { encapsulateIpInIp } from '../../wire/ip/tunnel.ts';
import { homeAgentSocketPlan, mobileNodeSocketPlan, ueCapabilities } from './signalling-io.ts';
import type { SignallingOutcome } from './signalling-open.ts';
import { attachAndRegister, buildMobilityWorld } from './test-support.ts';

test('socket plans: the HA listens on UDP 4191, ESP and MH over IPv6, protocol 41; the UE on port Z', () => {
  assert.deepEqual(homeAgentSocketPlan(), {
    udp: [{ family: 4, port: 4191 }],
    raw: [
      { protocol: 50, family: 6 },
      { protocol: 135, family: 6 },
      { protocol: 41, family: 4 },
    ],
  });
  assert.deepEqual(mobileNodeSocketPlan(5555).udp, [{ family: 4, port: 5555 }]);
  const root = { canOpenRaw: () => true };
  assert.deepEqual(ueCapabilities(root), { ipv6Access: true, receiveProtocol41: true, forceUdp: false });
});

test('an HA that cannot send protocol 41 counts the BA it could not send; the UE never registers', async () => {
  const w = await buildMobilityWorld({ topology: 'ipv4', haRaw: (p) => p !== 41 });
  assert.deepEqual(w.ha.io.missing, [{ protocol: 41, family: 4 }]);
  w.ue.pipeline.core.attach(w.net.now, w.access);
  w.ue.io.flush();
  w.net.advance(1_000); // before the first retransmission (1.5 s, RFC 6275 §11.8 / TS 24.303)
  assert.equal(w.ha.pipeline.counters.sent, 1, 'the BA was protected');
  assert.equal(w.ha.io.counters.noTransport, 1, 'but had no socket to leave by');
  assert.ok(!w.ueEvents().some((e) => e.kind === 'registered'));
});

test('a BU from a care-of address the host does not have is a counted send error, not a crash', async () => {
  const w = await buildMobilityWorld({ topology: 'ipv4' });
  w.ue.pipeline.core.attach(w.net.now, { ipv4CareOf: v4('198.51.100.99'), routerPrefixes: [] });
  w.ue.io.flush();
  assert.deepEqual(w.ue.io.counters, { noTransport: 0, sendErrors: 1 });
  assert.equal(w.ue.pipeline.counters.sent, 1);
});

test('data packets on the HA raw sockets go to the node through onUnhandled; closing stops the sockets', async () => {
  const seen: SignallingOutcome['kind'][] = [];
  const w = await buildMobilityWorld({ topology: 'ipv4', haUnhandled: (o) => seen.push(o.kind) });
  attachAndRegister(w);
  w.net.inject('ue', encapsulateIpInIp({ source: COA4, destination: HA4 }, { inner: udpPacket(HOA, CN6) }));
  w.net.runUntilQuiescent();
  assert.deepEqual(seen, ['not-signalling']);
  w.ha.io.close();
  const before = w.ha.host.counters.unclaimed;
  w.net.inject('ue', encapsulateIpInIp({ source: COA4, destination: HA4 }, { inner: udpPacket(HOA, CN6) }));
  w.net.runUntilQuiescent();
  assert.deepEqual([seen.length, w.ha.host.counters.unclaimed], [1, before + 1]);
});
