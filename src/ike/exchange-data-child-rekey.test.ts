// Rekeying Child SAs on a HA with the data SA rule of RFC 5555 §5.2.2 configured: a rekey keeps the selectors of the
// SA it replaces, whichever rule made that SA (RFC 7296 §2.9.2: the responder "MUST NOT narrow down the Traffic
// Selectors narrower than the scope currently in use").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import type { TrafficSelector } from '../wire/ike/traffic-selector.ts';
import type { ChildSaEvent } from './events.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder } from './responder.ts';
import { attached, FakeLink } from './test-link.ts';
import { HA_HOME_ADDRESS, haConfig, ueConfig, validNow } from './test-support.ts';
import { addressSelector, selectorsExcluding } from './traffic-selectors.ts';

const HOA = Ipv6Address.parse('2001:db8:1::42');
const HOA4 = Ipv4Address.parse('10.10.0.7');
const HA4 = Ipv4Address.parse('198.51.100.1');

function text(list: readonly TrafficSelector[]): string[] {
  return list.map((s) => (s.kind === 'unknown' ? '?' : `${s.startAddress}-${s.endAddress}`));
}

/** A UE and a HA with the data SA rule (tunnel TSr all but the HA, TSi may hold the bound IPv4 HoA). */
function dataPair(bound: Map<string, Ipv4Address>) {
  const ha = haConfig({
    tunnelLocalSelectors: [...selectorsExcluding(HA_HOME_ADDRESS), ...selectorsExcluding(HA4)],
    ipv4HomeAddressesOf: (hoas) => hoas.flatMap((h) => bound.get(h.toString()) ?? []),
  });
  const link = new FakeLink(new IkeInitiator(ueConfig()), new IkeResponder(ha), validNow());
  return { link, ...attached(link) };
}

const established = (link: FakeLink, side: 'ue' | 'ha') =>
  link.eventsOf(side, 'child-sa-established') as ChildSaEvent[];

test('rekeying the IKE_AUTH Child SA (tunnel mode, CREATE_CHILD_SA) keeps its TSr ::/0 and TSi home prefix', () => {
  const { link, ueSa } = dataPair(new Map([[HOA.toString(), HOA4]]));
  const [authChild] = established(link, 'ue');
  assert.equal(authChild?.mode, 'tunnel');
  link.ue.rekeyChildSa(link.now, ueSa, authChild!.spiIn);
  link.flush();
  const rekeyed = established(link, 'ha').at(-1)!;
  const haAuth = established(link, 'ha')[0]!;
  assert.equal(rekeyed.rekeyOf, haAuth.spiIn);
  assert.deepEqual(text(rekeyed.tsLocal), text(haAuth.tsLocal), 'not narrowed to "all but the HA"');
  assert.deepEqual(text(rekeyed.tsRemote), text(haAuth.tsRemote));
  assert.deepEqual(text(established(link, 'ue').at(-1)!.tsRemote), ['::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']);
});

test('rekeying a data SA keeps both families of TSr and its IPv4 HoA, even once that is released', () => {
  const bound = new Map([[HOA.toString(), HOA4]]);
  const { link, ueSa } = dataPair(bound);
  link.ue.createChildSa(link.now, ueSa, {
    tsi: [addressSelector(HOA), addressSelector(HOA4)],
    tsr: [...selectorsExcluding(HA_HOME_ADDRESS), ...selectorsExcluding(HA4)],
    mode: 'tunnel',
    requireMode: true,
    homeAddress: undefined,
  });
  link.flush();
  const data = established(link, 'ue').at(-1)!;
  assert.equal(data.tsLocal.length, 2);
  link.ue.rekeyChildSa(link.now, ueSa, data.spiIn);
  link.flush();
  const next = established(link, 'ue').at(-1)!;
  assert.equal(next.rekeyOf, data.spiIn);
  assert.deepEqual([text(next.tsLocal), text(next.tsRemote)], [text(data.tsLocal), text(data.tsRemote)]);
  // Released meanwhile: still not narrowed (§2.9.2); the HA's data plane no longer uses that part (DSA-2).
  bound.clear();
  link.ue.rekeyChildSa(link.now, ueSa, next.spiIn);
  link.flush();
  const last = established(link, 'ue').at(-1)!;
  assert.equal(last.rekeyOf, next.spiIn);
  assert.deepEqual([text(last.tsLocal), text(last.tsRemote)], [text(data.tsLocal), text(data.tsRemote)]);
});
