// The BU/BA SA's selector check (RFC 4301 §5.2 step 4, RFC 4877 §7.3) against the general one of src/ipsec: for
// any addresses, protocol and MH type, both say the same, on both roles and for exact-type and BU..BA ranges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addressSelector } from '../../ike/traffic-selectors.ts';
import { EspSad } from '../../ipsec/sad.ts';
import { packetMatchesSelectors, upperLayerSelector } from '../../ipsec/selectors.ts';
import { HA6, HOA, HOME_PREFIX } from '../../mip/test-fixtures.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { MobilitySaRegistry } from './sa-registry.ts';
import { mobilitySelectorVerdict } from './signalling-open.ts';
import { childSaEvents, SessionTable } from './test-support.ts';

const OTHER = Ipv6Address.parse('2001:db8:1::bad');

function entries() {
  const sessions = new SessionTable();
  sessions.prefixes.set(1, HOME_PREFIX);
  const sad = () => new EspSad({ random: (n) => new Uint8Array(n) });
  const ha = MobilitySaRegistry.forHomeAgent(sad(), sessions);
  const ue = MobilitySaRegistry.forMobileNode(sad());
  const wide = childSaEvents({ ikeSaId: 1, homeAddress: HOA, spiHa: 1, spiUe: 2 });
  const exact = childSaEvents({ ikeSaId: 1, homeAddress: HOA, spiHa: 3, spiUe: 4 });
  // RFC 4877 §7.2 exactly: UE side BU only, HA side BA only.
  const bu = addressSelector(HOA, 135, 0x0500, 0x0500);
  const baSel = addressSelector(HA6, 135, 0x0600, 0x0600);
  const narrow = {
    ha: { ...exact.ha, tsLocal: [baSel], tsRemote: [bu] },
    ue: { ...exact.ue, tsLocal: [bu], tsRemote: [baSel] },
  };
  const out = [];
  for (const e of [wide, narrow]) {
    const h = ha.install(e.ha);
    const u = ue.install(e.ue);
    assert.ok(h.ok && u.ok);
    out.push(h.entry, u.entry);
  }
  return out;
}

test('the specialised check agrees with packetMatchesSelectors for any packet', () => {
  const all = entries();
  const address = fc.constantFrom(HOA, HA6, OTHER);
  fc.assert(
    fc.property(
      fc.nat(all.length - 1),
      address,
      address,
      fc.constantFrom(135, 17, 58),
      fc.uint8Array({ maxLength: 8 }),
      (i, source, destination, nextHeader, data) => {
        const entry = all[i]!;
        const verdict = mobilitySelectorVerdict(entry, source, destination, nextHeader, data);
        const ports = upperLayerSelector(nextHeader, data);
        const general =
          ports === undefined
            ? 'malformed'
            : packetMatchesSelectors(
                  entry.inbound.params.selectors!,
                  { source, destination, protocol: nextHeader, ...ports },
                  false,
                )
              ? undefined
              : 'selector-mismatch';
        // The general check asks for ports only of a protocol that has them; MH without 3 bytes has no MH Type.
        if (nextHeader !== 135 && general === 'malformed') return;
        assert.equal(verdict, general);
      },
    ),
  );
});

test('literal cases: a BU from the HoA to the HA passes on the HA; a BA the other way on the UE; not the reverse', () => {
  const [haWide, ueWide, haNarrow, ueNarrow] = entries();
  const mh = (type: number) => Uint8Array.of(59, 0, type, 0, 0, 0, 0, 0);
  assert.equal(mobilitySelectorVerdict(haWide!, HOA, HA6, 135, mh(5)), undefined);
  assert.equal(mobilitySelectorVerdict(ueWide!, HA6, HOA, 135, mh(6)), undefined);
  assert.equal(mobilitySelectorVerdict(haNarrow!, HOA, HA6, 135, mh(6)), 'selector-mismatch', 'a BA from the UE');
  assert.equal(mobilitySelectorVerdict(ueNarrow!, HA6, HOA, 135, mh(5)), 'selector-mismatch', 'a BU from the HA');
  assert.equal(mobilitySelectorVerdict(haWide!, OTHER, HA6, 135, mh(5)), 'selector-mismatch');
  assert.equal(mobilitySelectorVerdict(haWide!, HOA, OTHER, 135, mh(5)), 'selector-mismatch');
  assert.equal(mobilitySelectorVerdict(haWide!, HOA, HA6, 17, mh(5)), 'selector-mismatch');
  assert.equal(mobilitySelectorVerdict(haWide!, HOA, HA6, 135, Uint8Array.of(59, 0)), 'malformed');
});
