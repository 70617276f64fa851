import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv6Address } from '../util/ip-address.ts';
import type { Dhcpv6Option } from '../wire/dhcpv6/option-types.ts';
import {
  homeNetworkRequestForIdType,
  homeNetworkRequestOptions,
  readHomeNetworkInformation,
} from './home-network-info.ts';

const v6 = (s: string) => Ipv6Address.parse(s);
const HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const HAA = (a: string): Dhcpv6Option => ({ kind: 'home-agent-address', address: v6(a) });
const HAF = (fqdn: string): Dhcpv6Option => ({ kind: 'home-agent-fqdn', fqdn });
const HNP: Dhcpv6Option = { kind: 'home-network-prefix', prefixLength: 64, prefix: v6('2001:db8:1:2::') };
const HNIDF = (fqdn: string): Dhcpv6Option => ({ kind: 'home-network-id-fqdn', fqdn });
const VDINF = (...options: Dhcpv6Option[]): Dhcpv6Option => ({ kind: 'visited-home-network-info', options });
const IDINF = (...options: Dhcpv6Option[]): Dhcpv6Option => ({ kind: 'identified-home-network-info', options });
const UDINF = (...options: Dhcpv6Option[]): Dhcpv6Option => ({ kind: 'unrestricted-home-network-info', options });

test('the seed’s id-types map to RFC 6610 requests: 0 → VDINF; 1 → IDINF + HNIDF(HA-APN); ORO per §4.1.1', () => {
  const visited = homeNetworkRequestForIdType(0);
  assert.deepEqual(visited, { scope: 'visited', homeNetworkIds: [] });
  assert.deepEqual(homeNetworkRequestOptions(visited), { requestedOptions: [50, 49, 71, 72, 73], extraOptions: [] });
  const identified = homeNetworkRequestForIdType(1, HA_APN);
  assert.deepEqual(homeNetworkRequestOptions(identified), {
    requestedOptions: [69, 49, 71, 72, 73],
    extraOptions: [HNIDF(HA_APN)],
  });
  assert.throws(() => homeNetworkRequestForIdType(1), RangeError);
});

test('RFC 6610 §4.1.2 validity rules, table', () => {
  const visited = homeNetworkRequestForIdType(0);
  const identified = homeNetworkRequestForIdType(1, HA_APN);
  type Row = [string, Dhcpv6Option[], typeof visited, string[] | undefined, Partial<Record<string, number>>];
  const table: Row[] = [
    [
      'addresses in VDINF',
      [VDINF(HNP, HAA('2001:db8::1'), HAA('64:ff9b::c633:6401'))],
      visited,
      ['2001:db8::1|198.51.100.1'],
      {},
    ],
    [
      'options outside any container are discarded',
      [HAA('2001:db8::9'), HAF('x.example'), HNP, HNIDF(HA_APN)],
      visited,
      undefined,
      { outsideContainer: 4 },
    ],
    [
      'a container of a kind not asked for is ignored',
      [UDINF(HAA('2001:db8::9'))],
      visited,
      undefined,
      { notRequested: 1 },
    ],
    ['incomplete container (no HAA, no HAF) is discarded', [VDINF(HNP)], visited, undefined, { incomplete: 1 }],
    [
      'the first usable container wins',
      [VDINF(HNP), VDINF(HAA('2001:db8::2')), VDINF(HAA('2001:db8::3'))],
      visited,
      ['2001:db8::2|-'],
      { incomplete: 1 },
    ],
    [
      'IDINF with the HNIDF we sent (any case)',
      [IDINF(HNIDF(HA_APN.toUpperCase()), HAA('2001:db8::4'))],
      identified,
      ['2001:db8::4|-'],
      {},
    ],
    [
      'IDINF without an HNIDF is discarded',
      [IDINF(HAA('2001:db8::5'))],
      identified,
      undefined,
      { unmatchedIdentified: 1 },
    ],
    [
      'IDINF for another home network is discarded',
      [IDINF(HNIDF('other.example'), HAA('2001:db8::6')), IDINF(HNIDF(HA_APN), HAF('ha.example'))],
      identified,
      [],
      { unmatchedIdentified: 1 },
    ],
  ];
  for (const [name, options, req, homeAgents, discarded] of table) {
    const r = readHomeNetworkInformation(options, req);
    if (homeAgents === undefined) assert.equal(r.info, undefined, name);
    else
      assert.deepEqual(
        r.info?.homeAgents.map((p) => `${p.ipv6 ?? '-'}|${p.ipv4 ?? '-'}`),
        homeAgents,
        name,
      );
    assert.deepEqual(
      r.discarded,
      { outsideContainer: 0, unmatchedIdentified: 0, incomplete: 0, notRequested: 0, ...discarded },
      name,
    );
  }
});

test('HA FQDN and home network prefix come out of the container as written', () => {
  const r = readHomeNetworkInformation(
    [IDINF(HNIDF(HA_APN), HNP, HAF('ha1.example'), HAF('ha2.example'))],
    homeNetworkRequestForIdType(1, HA_APN),
  );
  assert.deepEqual(r.info?.homeAgentFqdns, ['ha1.example', 'ha2.example']);
  assert.deepEqual(
    r.info?.homeNetworkPrefixes.map((p) => `${p.prefix}/${p.prefixLength}`),
    ['2001:db8:1:2::/64'],
  );
  assert.equal(r.info?.scope, 'identified');
});
