// The HA's data SA index (ha-data-sa-index.ts) on hand-made SAs: an SA that covers a packet but may send no more
// makes it a drop (RFC 4301 §5.1), the HA's own address is never covered, and filing follows the bindings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../ike/test-support.ts';
import { addressSelector, selectorsExcluding } from '../../ike/traffic-selectors.ts';
import { EspSad } from '../../ipsec/sad.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { DataSa } from './data-sa.ts';
import { EspDataTunnel } from './esp-data-tunnel.ts';
import { HaDataSaIndex } from './ha-data-sa-index.ts';
import { NO_DATA_SA } from './protected-tunnel.ts';
import { CompiledSelectors } from './selector-match.ts';
import { ping } from './test-support.ts';

const HA4 = Ipv4Address.parse('198.51.100.1');
const UE4 = Ipv4Address.parse('192.0.2.10');
const HA6 = Ipv6Address.parse('2001:db8:ffff::1');
const HOA = Ipv6Address.parse('2001:db8:1::42');
const HOA4 = Ipv4Address.parse('10.10.0.7');
const CN6 = Ipv6Address.parse('2001:db8:5::5');
const CN4 = Ipv4Address.parse('203.0.113.99');
const PATH = { localAddr: HA4, localPort: 4500, remoteAddr: UE4, remotePort: 4500 };

const PATH_MTUS = { linkMtu: 1500, deviceMtu: 1500 };

/** A data SA whose outbound half may seal `hardPackets` packets (RFC 4301 §4.4.2.1 hard lifetime). */
function dataSa(spi: number, hardPackets: number): DataSa {
  const sad = new EspSad({ random: seededRandom(`index-${spi}`) });
  const common = {
    mode: 'tunnel' as const,
    encr: { id: 20, keyLengthBits: 128 },
    encrKey: new Uint8Array(20),
    localAddress: HA4,
    remoteAddress: UE4,
  };
  const outbound = sad.install({ ...common, spi: spi + 1, direction: 'outbound', lifetime: { hardPackets } });
  const inbound = sad.install({ ...common, spi, direction: 'inbound' });
  const tunnel = new EspDataTunnel(outbound, { sendUdp: () => true, sendRaw: () => true }, PATH_MTUS);
  const selectors = new CompiledSelectors({
    local: [...selectorsExcluding(HA6), ...selectorsExcluding(HA4)],
    remote: [addressSelector(HOA), addressSelector(HOA4)],
  });
  return new DataSa(1, spi, spi + 1, inbound, outbound, selectors, tunnel);
}

function indexWithBinding(): HaDataSaIndex {
  const index = new HaDataSaIndex(() => PATH);
  index.applyBindingEvent({ kind: 'ipv4-hoa-assigned', homeAddress: HOA, ipv4HomeAddress: HOA4, dynamic: true });
  return index;
}

test('a covering SA that may send no more turns the packet into a drop; the newest usable one is taken first', () => {
  const index = indexWithBinding();
  const spent = dataSa(0x100, 1);
  const filedSpent = index.add(spent, [HOA, HOA4], PATH);
  assert.equal(index.select(ping(CN6, HOA)), spent.tunnel);
  assert.equal(spent.tunnel.send(ping(CN6, HOA)), undefined);
  assert.equal(spent.outbound.usable, false, 'its hard lifetime is reached');
  assert.equal(index.select(ping(CN6, HOA)), NO_DATA_SA);
  assert.equal(index.select(ping(CN4, HOA4)), NO_DATA_SA);
  assert.equal(index.select(ping(HA6, HOA)), undefined, "the HA's own address is outside TSr");
  assert.equal(index.select(ping(CN6, Ipv6Address.parse('2001:db8:1::43'))), undefined, 'another home address');
  const next = dataSa(0x200, 100);
  const filedNext = index.add(next, [HOA, HOA4], PATH);
  assert.equal(index.select(ping(CN6, HOA)), next.tunnel);
  index.delete(filedNext);
  index.delete(filedSpent);
  assert.equal(index.size, 0);
  assert.equal(index.select(ping(CN6, HOA)), undefined);
});

test('an IPv4 home address bound with no IPv6 HoA at install is not filed; a release unfiles it', () => {
  const index = new HaDataSaIndex(() => PATH);
  const sa = dataSa(0x300, 100);
  index.add(sa, [HOA, HOA4], PATH);
  assert.equal(index.select(ping(CN4, HOA4)), undefined, 'not bound when installed');
  assert.equal(index.coversPlaintext(ping(HOA4, CN4)), false);
  assert.equal(index.coversPlaintext(ping(HOA, CN6)), true);
  const bound = indexWithBinding();
  const x = bound.add(sa, [HOA, HOA4], PATH);
  assert.equal(bound.sourceBound(x, ping(HOA4, CN4)), true);
  assert.equal(bound.sourceBound(x, ping(HOA, CN6)), false, 'no binding-created for the IPv6 HoA yet');
  bound.applyBindingEvent({
    kind: 'ipv4-hoa-released',
    homeAddress: HOA,
    ipv4HomeAddress: HOA4,
    reason: 'binding-removed',
  });
  assert.equal(bound.select(ping(CN4, HOA4)), undefined);
  assert.equal(bound.sourceBound(x, ping(HOA4, CN4)), false);
});
