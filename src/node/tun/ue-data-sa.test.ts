// The UE's data SA (RFC 5555 §5.2.2) around its request: what happens to user traffic while it is asked for, which
// answers are the data SA when the engine's events name no request, and which IKE SA it is asked on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IkeEvent, IkePath } from '../../ike/events.ts';
import { seededRandom } from '../../ike/test-support.ts';
import { addressSelector, selectorsExcluding } from '../../ike/traffic-selectors.ts';
import type { RawIpTransport } from '../../net/transport.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Listeners } from '../net/listeners.ts';
import { buildDataSaWorld, CN4, CN6, HA4, HA6, HOA, HOA4, UE_COA, withDataSa } from './data-sa-test-support.ts';
import { ping } from './test-support.ts';
import { UeDataSa, type UeDataSaEvent } from './ue-data-sa.ts';

test('while the data SA is asked for, the traffic it will carry is dropped, not sent in the clear (RFC 4301 §5.1)', () => {
  const w = buildDataSaWorld({ nat: true });
  w.ue.registered(UE_COA, HOA4); // CREATE_CHILD_SA queued, not answered yet
  w.ueDevice.inject(ping(HOA, CN6), ping(HOA4, CN4), ping(HOA, HA6));
  assert.equal(w.ueForwarder.counters.drops['no-data-sa'], 2);
  assert.equal(w.uePlain.sent.length, 1, "the HA's own address stays in the plain tunnel (DSA-5)");
  w.pump();
  w.ueDevice.inject(ping(HOA, CN6));
  assert.equal(w.deliver().length, 1, 'sealed on the data SA once it is there');
  assert.equal(w.ueForwarder.counters.drops['no-data-sa'], 2);
});

test('when the data SA cannot be had (no NAT, no raw ESP socket) the plain tunnel carries the traffic (DSA-4)', () => {
  const w = buildDataSaWorld({ raw: false });
  w.ue.registered(UE_COA, HOA4);
  w.ueDevice.inject(ping(HOA, CN6));
  assert.deepEqual([w.ueForwarder.counters.drops['no-data-sa'], w.ueForwarder.counters.drops['no-socket']], [0, 1]);
});

test('registered from an IPv6 care-of address after an IPv4 one: the rule no longer applies', () => {
  const w = buildDataSaWorld({ nat: true });
  w.ue.registered(UE_COA, HOA4);
  w.ue.registered(Ipv6Address.parse('2001:db8:2::200'), HOA4);
  w.ueDevice.inject(ping(HOA, CN6));
  assert.deepEqual([w.ueForwarder.counters.drops['no-data-sa'], w.uePlain.sent.length], [0, 1]);
});

test("the answer is installed even when another Child SA's failure came first and looked like the refusal", () => {
  const w = buildDataSaWorld({ nat: true });
  // A Child SA the HA refuses (TSi outside the home prefix: TS_UNACCEPTABLE), queued before the data SA's request.
  w.link.ue.createChildSa(w.link.now, w.ueSa, {
    tsi: [addressSelector(Ipv6Address.parse('2001:db8:99::1'))],
    tsr: selectorsExcluding(HA6),
    mode: 'tunnel',
    requireMode: true,
    homeAddress: undefined,
  });
  w.ue.registered(UE_COA, HOA4);
  w.pump();
  assert.deepEqual(
    w.ueEvents.map((e) => e.kind),
    ['requested', 'refused', 'installed'],
  );
  assert.ok(w.ue.current);
  w.ueDevice.inject(ping(HOA, CN6));
  w.haDevice.inject(ping(CN6, HOA));
  assert.equal(w.deliver().length, 2);
  assert.deepEqual([w.haDevice.take().length, w.ueDevice.take().length], [1, 1]);
});

test('a registration from another address than the IKE SA is not asked on it (a move registers first)', () => {
  const w = buildDataSaWorld({ nat: true });
  w.ue.registered(Ipv4Address.parse('192.0.2.77'), HOA4);
  w.pump();
  assert.equal(w.ueEvents.length, 0);
  assert.equal(w.ha.size, 0);
  w.ue.registered(UE_COA, HOA4);
  w.pump();
  assert.deepEqual(
    w.ueEvents.map((e) => e.kind),
    ['requested', 'installed'],
  );
});

test('a rekey of the data SA is no new request: nothing is deleted, the same selectors go on', () => {
  const w = withDataSa({ nat: true });
  const old = w.ue.current!;
  w.link.ue.rekeyChildSa(w.link.now, w.ueSa, old.spiIn);
  w.pump();
  assert.deepEqual(
    w.ueEvents.map((e) => e.kind),
    ['requested', 'installed', 'installed', 'removed'],
  );
  assert.deepEqual(w.ue.current!.selectors.selectors, old.selectors.selectors);
});

/** A hand-made IKE SA for the cases the engines do not produce on demand. */
function handMade(): {
  ue: UeDataSa;
  events: UeDataSaEvent[];
  ike: Listeners<IkeEvent>;
  requests: number[];
  setState(up: boolean): void;
} {
  const ike = new Listeners<IkeEvent>();
  const events: UeDataSaEvent[] = [];
  const requests: number[] = [];
  const path: IkePath = { localAddr: UE_COA, localPort: 4500, remoteAddr: HA4, remotePort: 4500 };
  let up = true;
  const raw: RawIpTransport = { family: 4, protocol: 50, send: () => {}, onPacket: () => {}, close: () => {} };
  const ue = new UeDataSa({
    homeAddress: HOA,
    homeAgent: { ipv6: HA6, ipv4: HA4 },
    random: seededRandom('hand'),
    mtus: { linkMtu: 1500, deviceMtu: 1500 },
    rawEsp: raw,
    toDevice: () => true,
    onEvent: (e) => events.push(e),
  });
  ue.useIkeLink({
    ikeSaId: 1,
    createChildSa: () => {
      requests.push(requests.length);
      return true;
    },
    deleteChildSa: () => true,
    state: () => (up ? { path, natDetected: false } : undefined),
    onEvent: (l) => ike.on(l),
    sendEsp: () => {},
    onEsp: () => {},
  });
  return { ue, events, ike, requests, setState: (x) => (up = x) };
}

test('an answer that cannot be installed still ends the request, so the next registration asks again', () => {
  const h = handMade();
  h.ue.registered(UE_COA, HOA4);
  assert.equal(h.requests.length, 1);
  h.setState(false); // the IKE SA's state is gone when the answer is handed on
  h.ike.emit({
    kind: 'child-sa-established',
    ikeSaId: 1,
    spiIn: 0x100,
    spiOut: 0x200,
    mode: 'tunnel',
    esn: false,
    encrId: 20,
    encrKeyBits: 128,
    integId: undefined,
    keysIn: { encrKey: new Uint8Array(20), integKey: new Uint8Array(0) },
    keysOut: { encrKey: new Uint8Array(20), integKey: new Uint8Array(0) },
    tsLocal: [addressSelector(HOA)],
    tsRemote: selectorsExcluding(HA6),
    udpEncapsulation: false,
    rekeyOf: undefined,
    homeAddress: undefined,
  });
  assert.equal(h.ue.current, undefined);
  h.setState(true);
  h.ue.registered(UE_COA, HOA4);
  assert.equal(h.requests.length, 2);
});
