// The HA's data SA policy (RFC 5555 §5.2.2) past the happy path (data-sa-test-support.ts): where UDP-encapsulated
// ESP goes after a NAT rebinding (RFC 7296 §2.23), who an IPv4 home address belongs to (RFC 5555 §5), and plaintext
// that should have come through the SA (RFC 4301 §5.2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sealEsp } from '../../ipsec/esp-protect.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { CN4, CN6, HA4, HA6, HOA, HOA4, NAT_ADDR, UE_COA, withDataSa } from './data-sa-test-support.ts';
import { ping } from './test-support.ts';

const HOA_B = Ipv6Address.parse('2001:db8:1::77');

/** The destination port of each UDP-encapsulated ESP packet the HA sent. */
function downlinkPorts(w: ReturnType<typeof withDataSa>): number[] {
  return w.deliver().flatMap((p) => (p.from === 'ha' && p.kind === 'udp' ? [p.port] : []));
}

test('after a NAT rebinding the HA sends to where the newest authentic ESP came from (RFC 7296 §2.23)', () => {
  const w = withDataSa({ nat: true });
  const first = w.ueMapping.port;
  w.haDevice.inject(ping(CN6, HOA));
  assert.deepEqual(downlinkPorts(w), [first]);
  // The NAT forgot the UE; its next packets come from a new public port.
  w.ueMapping = { address: NAT_ADDR, port: first + 17 };
  w.ueDevice.inject(ping(HOA, CN6));
  w.deliver();
  assert.equal(w.haDevice.take().length, 1);
  w.haDevice.inject(ping(CN6, HOA), ping(CN4, HOA4));
  assert.deepEqual(downlinkPorts(w), [first + 17, first + 17]);
  assert.equal(w.ha.status().sas[0]!.peer, `${NAT_ADDR}:${first + 17}`);
  assert.equal(w.ueDevice.take().length, 3);
});

test('an older authentic packet from the old port does not move the peer back; nor does a forged one', () => {
  const w = withDataSa({ nat: true });
  const old = w.ueMapping.port;
  w.ueDevice.inject(ping(HOA, CN6), ping(HOA, CN6, 80));
  const [p1, p2] = w.wire.splice(0);
  assert.ok(p1?.kind === 'udp' && p2?.kind === 'udp');
  w.ha.fromUdp(p2.esp, { address: NAT_ADDR, port: old + 1 });
  w.ha.fromUdp(p1.esp, { address: NAT_ADDR, port: old }); // in the window, not seen: opened, but not the newest
  w.ha.fromUdp(Uint8Array.of(...p2.esp.subarray(0, 8), 9, 9, 9, 9), { address: NAT_ADDR, port: old + 2 });
  assert.equal(w.haDevice.take().length, 2);
  w.haDevice.inject(ping(CN6, HOA));
  assert.deepEqual(downlinkPorts(w), [old + 1]);
});

test('a new IKE path (IKE saw the peer move, RFC 7296 §2.23) moves the data SA too', () => {
  const w = withDataSa({ nat: true });
  const ike = w.link.ha.ikeSa(w.haSa)!;
  // What inbound.ts updatePath does for an authentic IKE request from a new NAT mapping.
  ike.path = { ...ike.path, remotePort: ike.path.remotePort + 5 };
  w.haDevice.inject(ping(CN6, HOA));
  assert.deepEqual(downlinkPorts(w), [ike.path.remotePort]);
  // ESP from yet another port after it: the newest word wins.
  w.ueMapping = { address: NAT_ADDR, port: ike.path.remotePort + 1 };
  w.ueDevice.inject(ping(HOA, CN6));
  w.deliver();
  w.haDevice.inject(ping(CN6, HOA));
  assert.deepEqual(downlinkPorts(w), [ike.path.remotePort + 1]);
});

for (const released of [true, false]) {
  const how = released ? 'released first' : 'assigned over it, the release not seen';
  test(`an IPv4 HoA given to another UE (${how}) is neither reached through nor sent from the old UE's data SA`, () => {
    runHandOver(released);
  });
}

/** RFC 5555 §5: the HA keeps which IPv6 HoA an IPv4 HoA goes with; a data SA's IPv4 part follows that. */
function runHandOver(released: boolean): void {
  const w = withDataSa();
  const sa = w.ue.current!;
  if (released) {
    w.ha.applyBindingEvent({
      kind: 'ipv4-hoa-released',
      homeAddress: HOA,
      ipv4HomeAddress: HOA4,
      reason: 'binding-removed',
    });
  }
  const bindB = [
    {
      kind: 'binding-created',
      homeAddress: HOA_B,
      careOf: HA4,
      tunnel: { kind: 'udp4', source: HA4, destination: NAT_ADDR, sourcePort: 4191, destinationPort: 40999 },
      lifetimeSec: 3600,
      ikeSaId: '2',
      keyManagementMobility: false,
      natDetected: true,
    },
    { kind: 'ipv4-hoa-assigned', homeAddress: HOA_B, ipv4HomeAddress: HOA4, dynamic: true },
  ] as const;
  for (const e of bindB) {
    w.ha.applyBindingEvent(e);
    w.haForwarder.applyBindingEvent(e);
  }
  // Downlink for B: B's plain tunnel, not A's SA.
  w.haDevice.inject(ping(CN4, HOA4));
  assert.deepEqual([w.wire.length, w.haPlain.sent.length], [0, 1]);
  // A, sending with B's address on its old SA: authentic, inside its selectors, but not A's address any more.
  const spoof = sealEsp(sa.outbound, 4, ping(HOA4, CN4));
  assert.ok(spoof.ok);
  w.ha.fromRawIpv4(rawEsp(spoof.packet));
  assert.deepEqual([w.ha.counters.drops['source-not-bound'], w.haDevice.take().length], [1, 0]);
  // B's own plaintext from that address is B's: no data SA of B covers it.
  assert.equal(w.haForwarder.fromMobileNode(ping(HOA4, CN4)), true);
  // A's IPv6 HoA is still A's.
  w.ueDevice.inject(ping(HOA, CN6));
  w.deliver();
  assert.equal(w.haDevice.take().length, 2);
}

test('plaintext out of the tunnel that a data SA of its source covers is dropped (RFC 4301 §5.2), not the rest', () => {
  const w = withDataSa();
  assert.equal(w.haForwarder.fromMobileNode(ping(HOA, CN6)), false);
  assert.equal(w.haForwarder.fromMobileNode(ping(HOA4, CN4)), false);
  assert.equal(w.haForwarder.counters.drops['no-data-sa'], 2);
  // The HA's own addresses are outside TSr (RFC 5555 §5.2.2 "!= home_agent"): those stay in the plain tunnel.
  assert.equal(w.haForwarder.fromMobileNode(ping(HOA, HA6)), true);
  assert.equal(w.haForwarder.fromMobileNode(ping(HOA4, HA4)), true);
  // Another UE without a data SA is not affected.
  assert.equal(w.haForwarder.fromMobileNode(ping(HOA_B, CN6)), true);
  assert.equal(w.haDevice.take().length, 3);
  // Once the SA is gone, the plain tunnel is the UE's again.
  w.link.ue.deleteChildSa(w.link.now, w.ueSa, w.ue.current!.spiIn);
  w.pump();
  assert.equal(w.haForwarder.fromMobileNode(ping(HOA, CN6)), true);
});

/** IPv4 (UE → HA) | ESP, as the raw socket hands it over. */
function rawEsp(esp: Uint8Array): Uint8Array {
  const p = new Uint8Array(20 + esp.length);
  p.set([0x45, 0, p.length >> 8, p.length & 0xff, 0, 0, 0, 0, 64, 50]);
  p.set(UE_COA.bytes, 12);
  p.set(HA4.bytes, 16);
  p.set(esp, 20);
  return p;
}
