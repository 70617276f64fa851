// The data Child SA of RFC 5555 §5.2.2 between two engines: after the attach the UE asks, with CREATE_CHILD_SA, for
// an ESP tunnel-mode SA with TSi = its home addresses (IPv6 /128 and IPv4 /32) and TSr = every address but the HA's,
// and the HA grants it only for home addresses this IKE SA holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { NotifyType } from '../wire/ike/constants.ts';
import type { TrafficSelector } from '../wire/ike/traffic-selector.ts';
import type { ChildSaEvent } from './events.ts';
import { IkeInitiator } from './initiator.ts';
import { IkeResponder, type ResponderConfig } from './responder.ts';
import { attached, FakeLink, type NatOptions } from './test-link.ts';
import { HA_HOME_ADDRESS, haConfig, ueConfig, validNow } from './test-support.ts';
import { ANY_IPV4_SELECTOR, ANY_IPV6_SELECTOR, addressSelector, selectorsExcluding } from './traffic-selectors.ts';

const HOA = Ipv6Address.parse('2001:db8:1::42'); // the test pool's first prefix and interface id ::42
const HOA4 = Ipv4Address.parse('10.10.0.7');
const HA4 = Ipv4Address.parse('198.51.100.1');

function text(list: readonly TrafficSelector[]): string[] {
  return list.map((s) => (s.kind === 'unknown' ? '?' : `${s.startAddress}-${s.endAddress}`));
}

/** The HA of RFC 5555 §5.2.2: tunnel-mode TSr is any address but its own, TSi may hold the bound IPv4 HoA. */
function dataHa(bound: Map<string, Ipv4Address>): ResponderConfig {
  return haConfig({
    tunnelLocalSelectors: [...selectorsExcluding(HA_HOME_ADDRESS), ...selectorsExcluding(HA4)],
    ipv4HomeAddressesOf: (hoas) => hoas.flatMap((h) => bound.get(h.toString()) ?? []),
  });
}

function pair(ha: ResponderConfig, nat?: NatOptions) {
  const link = new FakeLink(new IkeInitiator(ueConfig()), new IkeResponder(ha), validNow(), nat);
  return { link, ...attached(link) };
}

function requestDataSa(link: FakeLink, ueSa: number, tsi: TrafficSelector[], tsr?: TrafficSelector[]): void {
  link.ue.createChildSa(link.now, ueSa, {
    tsi,
    tsr: tsr ?? [...selectorsExcluding(HA_HOME_ADDRESS), ...selectorsExcluding(HA4)],
    mode: 'tunnel',
    requireMode: true,
    homeAddress: undefined,
  });
}

test('CREATE_CHILD_SA for the data SA: TSi both home addresses, TSr all but the HA, tunnel mode', () => {
  const bound = new Map([[HOA.toString(), HOA4]]);
  const { link, ueSa } = pair(dataHa(bound));
  requestDataSa(link, ueSa, [addressSelector(HOA), addressSelector(HOA4)]);
  // CREATE_CHILD_SA { SA, Ni, TSi(HoA, IPv4 HoA), TSr(4 ranges) } -->   (no PFS group in the default proposals)
  const request = link.step();
  assert.deepEqual(request.names, ['SA', 'N', 'TSi', 'TSr'], 'no USE_TRANSPORT_MODE: tunnel mode');
  // <-- CREATE_CHILD_SA { SA, Nr, TSi, TSr }
  assert.deepEqual(link.step().names, [`N(${NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED})`, 'SA', 'N', 'TSi', 'TSr']);
  const ue = (link.eventsOf('ue', 'child-sa-established') as ChildSaEvent[]).at(-1)!;
  const ha = (link.eventsOf('ha', 'child-sa-established') as ChildSaEvent[]).at(-1)!;
  assert.equal(ue.mode, 'tunnel');
  assert.equal(ha.mode, 'tunnel');
  assert.deepEqual(text(ue.tsLocal), ['2001:db8:1::42-2001:db8:1::42', '10.10.0.7-10.10.0.7']);
  assert.deepEqual(text(ha.tsRemote), text(ue.tsLocal));
  assert.deepEqual(text(ha.tsLocal), [
    '::-2001:db8:ffff::',
    '2001:db8:ffff::2-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    '0.0.0.0-198.51.100.0',
    '198.51.100.2-255.255.255.255',
  ]);
  assert.deepEqual([ue.spiIn, ue.spiOut], [ha.spiOut, ha.spiIn]);
  assert.equal(ue.udpEncapsulation, false, 'no NAT: plain ESP (RFC 5555 §5.2.2 first format)');
});

test('through a NAT the data SA is UDP-encapsulated (RFC 5555 §5.2.2 second format, RFC 3948)', () => {
  const bound = new Map([[HOA.toString(), HOA4]]);
  const { link, ueSa } = pair(dataHa(bound), { publicAddr: Ipv4Address.parse('203.0.113.5'), portBase: 40000 });
  requestDataSa(link, ueSa, [addressSelector(HOA), addressSelector(HOA4)]);
  link.flush();
  const ue = (link.eventsOf('ue', 'child-sa-established') as ChildSaEvent[]).at(-1)!;
  const ha = (link.eventsOf('ha', 'child-sa-established') as ChildSaEvent[]).at(-1)!;
  assert.deepEqual([ue.udpEncapsulation, ha.udpEncapsulation], [true, true]);
});

test('an IPv4 home address this IKE SA does not hold is narrowed away (RFC 7296 §2.9)', () => {
  const bound = new Map([[HOA.toString(), HOA4]]);
  const { link, ueSa } = pair(dataHa(bound));
  requestDataSa(link, ueSa, [addressSelector(HOA), addressSelector(Ipv4Address.parse('10.10.0.8'))]);
  link.flush();
  const ue = (link.eventsOf('ue', 'child-sa-established') as ChildSaEvent[]).at(-1)!;
  assert.deepEqual(text(ue.tsLocal), ['2001:db8:1::42-2001:db8:1::42']);
});

test('without a binding for its IPv4 HoA only the IPv6 HoA is granted; a wide TSr is narrowed to exclude the HA', () => {
  const { link, ueSa } = pair(dataHa(new Map()));
  requestDataSa(link, ueSa, [addressSelector(HOA), addressSelector(HOA4)], [ANY_IPV6_SELECTOR, ANY_IPV4_SELECTOR]);
  link.flush();
  const ue = (link.eventsOf('ue', 'child-sa-established') as ChildSaEvent[]).at(-1)!;
  assert.deepEqual(text(ue.tsLocal), ['2001:db8:1::42-2001:db8:1::42']);
  assert.equal(ue.tsRemote.length, 4, 'the HA answers with the ranges around its addresses');
});

test('a data SA for only an IPv4 address nobody bound: TS_UNACCEPTABLE, the IKE SA stays', () => {
  const { link, ueSa } = pair(dataHa(new Map()));
  requestDataSa(link, ueSa, [addressSelector(HOA4)]);
  link.step();
  assert.deepEqual(link.step().names, [`N(${NotifyType.TS_UNACCEPTABLE})`]);
  assert.equal(link.eventsOf('ue', 'child-sa-failed').length, 1);
  assert.equal(link.ue.ikeSa(ueSa)?.established, true);
});

test('the BU/BA SA and the IKE_AUTH Child SA keep their TSr policy: only CREATE_CHILD_SA tunnels get the data rule', () => {
  const bound = new Map([[HOA.toString(), HOA4]]);
  const { link } = pair(dataHa(bound));
  const [authChild, buBa] = link.eventsOf('ha', 'child-sa-established') as ChildSaEvent[];
  assert.equal(buBa?.mode, 'transport');
  assert.deepEqual(text(buBa!.tsLocal), ['2001:db8:ffff::1-2001:db8:ffff::1'], 'the BU/BA SA to the HA itself');
  assert.equal(authChild?.mode, 'tunnel');
  assert.deepEqual(
    text(authChild!.tsLocal),
    ['::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    'IKE_AUTH: ::/0 as before',
  );
});
