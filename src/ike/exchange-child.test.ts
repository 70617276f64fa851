import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv6Address } from '../util/ip-address.ts';
import { NotifyType } from '../wire/ike/constants.ts';
import type { ChildSaEvent } from './events.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { attached, FakeLink } from './test-link.ts';
import { haConfig, ueConfig, validNow } from './test-support.ts';
import { ANY_IPV6_SELECTOR, addressSelector } from './traffic-selectors.ts';

const N = (t: number) => `N(${t})`;

function pair(ha = haConfig()) {
  const link = new FakeLink(new IkeInitiator(ueConfig()), new IkeResponder(ha), validNow());
  return { link, ...attached(link) };
}

test('TS_UNACCEPTABLE: a Home Address outside the prefix this IKE SA was given', () => {
  const { link, ueSa } = pair();
  link.ue.createMobilityChildSa(link.now, ueSa, Ipv6Address.parse('2001:db8:2::42')); // someone else's prefix
  link.step(); // CREATE_CHILD_SA { N(USE_TRANSPORT_MODE), SA, Ni, TSi(2001:db8:2::42), TSr } -->
  assert.deepEqual(link.step().names, [N(NotifyType.TS_UNACCEPTABLE)]); // <-- CREATE_CHILD_SA { N(TS_UNACCEPTABLE) }
  const failed = link.eventsOf('ue', 'child-sa-failed');
  assert.deepEqual(
    failed.map((e) => e.kind === 'child-sa-failed' && e.notifyType),
    [NotifyType.TS_UNACCEPTABLE],
  );
  assert.equal(link.ue.ikeSa(ueSa)?.established, true, 'the IKE SA stays');
  assert.equal(link.next(), undefined);
});

test('a second Home Address inside the prefix gets its own BU/BA SA, tied to the same session', () => {
  const { link, ueSa, haSa } = pair();
  link.ue.createMobilityChildSa(link.now, ueSa, Ipv6Address.parse('2001:db8:1::99'));
  link.flush();
  const session = link.ha.session(haSa)!;
  assert.deepEqual(
    session.childSas.map((c) => c.homeAddress?.toString()),
    [undefined, '2001:db8:1::42', '2001:db8:1::99'],
  );
  const last = (link.eventsOf('ha', 'child-sa-established') as ChildSaEvent[]).at(-1)!;
  assert.equal(link.ha.sessionByChildSpi(last.spiIn)?.ikeSaId, haSa);
  assert.ok(link.ha.ownsAddress(haSa, Ipv6Address.parse('2001:db8:1::99')));
  assert.ok(!link.ha.ownsAddress(haSa, Ipv6Address.parse('2001:db8:2::99')));
});

test('the IKE_AUTH Child SA is narrowed to the home prefix (RFC 7296 §2.9)', () => {
  const { link } = pair();
  const tunnel = (link.eventsOf('ue', 'child-sa-established') as ChildSaEvent[])[0]!;
  assert.equal(tunnel.mode, 'tunnel');
  const ts = tunnel.tsLocal[0];
  assert.ok(ts?.kind === 'ipv6-range');
  assert.equal(ts.startAddress.toString(), '2001:db8:1::');
  assert.equal(ts.endAddress.toString(), '2001:db8:1:0:ffff:ffff:ffff:ffff');
});

test('a HA that declines transport mode: the BU/BA SA is refused by the UE and deleted', () => {
  const { link } = pair(haConfig({ allowTransportMode: false }));
  const failed = link.eventsOf('ue', 'child-sa-failed');
  assert.deepEqual(
    failed.map((e) => e.kind === 'child-sa-failed' && e.reason),
    ['transport-mode-declined'],
  );
  link.flush(); // INFORMATIONAL { D(ESP) } -->  <-- INFORMATIONAL { D(ESP) }
  assert.equal(link.eventsOf('ha', 'child-sa-deleted').length, 1);
  assert.equal(link.eventsOf('ue', 'child-sa-established').length, 1);
});

test('the UE refuses new Child SAs offered by the HA with NO_ADDITIONAL_SAS', () => {
  const { link, haSa } = pair();
  link.ha.createChildSa(link.now, haSa, {
    tsi: [ANY_IPV6_SELECTOR],
    tsr: [ANY_IPV6_SELECTOR],
    mode: 'tunnel',
    requireMode: false,
    homeAddress: undefined,
  });
  link.step(); // CREATE_CHILD_SA { SA, Ni, TSi, TSr } <--
  assert.deepEqual(link.step().names, [N(NotifyType.NO_ADDITIONAL_SAS)]); // --> CREATE_CHILD_SA { N(NO_ADDITIONAL_SAS) }
  assert.equal(link.eventsOf('ha', 'child-sa-failed').length, 1);
});

test('an extra tunnel-mode Child SA for one correspondent address inside the prefix', () => {
  const { link, ueSa } = pair();
  link.ue.createChildSa(link.now, ueSa, {
    tsi: [addressSelector(Ipv6Address.parse('2001:db8:1::42'))],
    tsr: [addressSelector(Ipv6Address.parse('2001:db8:cafe::1'))],
    mode: 'tunnel',
    requireMode: false,
    homeAddress: undefined,
  });
  link.flush();
  const c = (link.eventsOf('ha', 'child-sa-established') as ChildSaEvent[]).at(-1)!;
  assert.equal(c.mode, 'tunnel');
  assert.equal(c.homeAddress?.toString(), '2001:db8:1::42');
});
