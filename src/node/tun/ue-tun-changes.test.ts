// The UE's TUN device after its first registration: another IPv4 HoA moves the device's address and IPv4 routes,
// a move pins the HA's addresses again through the new access interface, and the `ip` commands behind both
// (iproute2 runners replaced by recorders: nothing here touches the host).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MobileNodeEvent } from '../../mip/events.ts';
import { COA4, HA4, HA6, HOA, v4 } from '../../mip/test-fixtures.ts';
import type { IpAddress } from '../../util/ip-address.ts';
import type { TunConfiguration } from '../net/tun-device.ts';
import { iproute2Pinner } from './host-routes.ts';
import { FakePacketDevice } from './test-support.ts';
import { iproute2Reconfigurer } from './tun-reconfigure.ts';
import { RawTunnelOutput } from './tunnel-output.ts';
import { UeTun } from './ue-tun.ts';

class NamedDevice extends FakePacketDevice {
  readonly name = 'dsmip0';
}

function registered(ipv4HomeAddress: string | undefined): MobileNodeEvent {
  return {
    kind: 'registered',
    homeAgent: HA6,
    careOf: COA4,
    lifetimeSec: 3600,
    ipv4HomeAddress: ipv4HomeAddress === undefined ? undefined : v4(ipv4HomeAddress),
    tunnel: { kind: 'ipv4', source: COA4, destination: HA4 },
    refresh: true,
    prefixDiscoveryNeeded: false,
    keyManagementMobility: false,
  };
}

function ueTun() {
  const changes: [string, TunConfiguration, TunConfiguration][] = [];
  const pins: { addresses: string[]; careOf: string | undefined }[] = [];
  let unpinned = 0;
  const tun = new UeTun({
    config: { enabled: true, name: 'dsmip0', mtu: 1400, routes: [] },
    homeAddress: HOA,
    homeAgent: { ipv6: HA6, ipv4: HA4 },
    output: new RawTunnelOutput(undefined, []),
    now: () => 0,
    open: () => new NamedDevice(),
    pinner: {
      pin: (a: readonly IpAddress[], careOf?: IpAddress) => {
        pins.push({ addresses: a.map(String), careOf: careOf?.toString() });
        return () => unpinned++;
      },
    },
    reconfigure: (name, from, to) => changes.push([name, from, to]),
  });
  return { tun, changes, pins, unpinned: () => unpinned };
}

test('a registration with another IPv4 HoA moves the device address; losing it takes the IPv4 routes away', () => {
  const { tun, changes } = ueTun();
  tun.apply(registered('10.10.0.1'));
  tun.apply(registered('10.10.0.1'));
  assert.equal(changes.length, 0, 'the same addresses: nothing to do');
  tun.apply(registered('10.10.0.2'));
  tun.apply(registered(undefined));
  tun.apply(registered('10.10.0.3'));
  const v4Routes = ['0.0.0.0/1', '128.0.0.0/1'];
  const six = ['2001:db8:1::100/128'];
  const sixRoutes = ['::/1', '8000::/1'];
  assert.deepEqual(changes, [
    [
      'dsmip0',
      { addresses: [...six, '10.10.0.1/32'], routes: [...sixRoutes, ...v4Routes] },
      { addresses: [...six, '10.10.0.2/32'], routes: [...sixRoutes, ...v4Routes] },
    ],
    [
      'dsmip0',
      { addresses: [...six, '10.10.0.2/32'], routes: [...sixRoutes, ...v4Routes] },
      { addresses: six, routes: sixRoutes },
    ],
    [
      'dsmip0',
      { addresses: six, routes: sixRoutes },
      { addresses: [...six, '10.10.0.3/32'], routes: [...sixRoutes, ...v4Routes] },
    ],
  ]);
});

test('a move pins the HA again through the new care-of address; nothing before the device is open', () => {
  const { tun, pins, unpinned } = ueTun();
  tun.repinHomeAgent(COA4);
  assert.deepEqual(pins, []);
  tun.apply(registered('10.10.0.1'));
  tun.repinHomeAgent(v4('198.51.100.99'));
  assert.deepEqual(pins, [
    { addresses: [`${HA6}`, `${HA4}`], careOf: undefined },
    { addresses: [`${HA6}`, `${HA4}`], careOf: '198.51.100.99' },
  ]);
  assert.equal(unpinned(), 1, 'the old pins went first');
  tun.close();
  assert.equal(unpinned(), 2);
  tun.repinHomeAgent(COA4);
  assert.equal(pins.length, 2, 'closed: nothing');
});

test('the pinner looks the route up through the care-of interface, and undoes its pins when one fails', () => {
  const ran: string[] = [];
  let failReplace = false;
  const pinner = iproute2Pinner((args) => {
    const line = args.join(' ');
    ran.push(line);
    if (args.includes('addr')) return JSON.stringify([{ ifname: 'wlan0' }]);
    if (args.includes('get')) {
      if (args[0] === '-6') throw new Error(`ip ${line}: RTNETLINK answers: Network is unreachable`);
      return JSON.stringify([{ dev: 'wlan0', gateway: '198.51.100.254' }]);
    }
    if (failReplace && args.includes('replace') && args.includes(`${HA4}/32`)) throw new Error('ip: File exists');
    return '';
  });
  const b = v4('203.0.113.1');
  const undo = pinner.pin([HA6, HA4], v4('198.51.100.7'));
  assert.deepEqual(ran, [
    '-4 -j addr show to 198.51.100.7',
    `-6 -j route get ${HA6} oif wlan0`,
    `-4 -j route get ${HA4} oif wlan0`,
    `-4 route replace ${HA4}/32 via 198.51.100.254 dev wlan0`,
  ]);
  ran.length = 0;
  undo();
  assert.deepEqual(ran, [`-4 route del ${HA4}/32 via 198.51.100.254 dev wlan0`]);
  ran.length = 0;
  failReplace = true;
  assert.throws(() => pinner.pin([b, HA4]), /File exists/);
  assert.deepEqual(ran.slice(-1), ['-4 route del 203.0.113.1/32 via 198.51.100.254 dev wlan0'], 'the first pin undone');
});

test('the reconfigurer adds what is new before it removes what is gone', () => {
  const ran: string[] = [];
  const reconfigure = iproute2Reconfigurer((args) => {
    ran.push(args.join(' '));
    return '';
  });
  reconfigure(
    'dsmip0',
    { addresses: ['2001:db8::1/128', '10.0.0.1/32'], routes: ['::/1', '0.0.0.0/1'] },
    { addresses: ['2001:db8::1/128', '2001:db8::2/128'], routes: ['::/1'] },
  );
  assert.deepEqual(ran, [
    '-6 addr add 2001:db8::2/128 dev dsmip0 nodad',
    '-4 route del 0.0.0.0/1 dev dsmip0',
    '-4 addr del 10.0.0.1/32 dev dsmip0',
  ]);
});
