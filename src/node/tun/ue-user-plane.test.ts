// The UE's user plane as ue-tunnel.ts drives it (ue-user-plane.ts), on fakes: a registration opens the device, a move
// sends from the new socket and pins the HA again, a TUN that cannot open is reported and the rest runs on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MobileNodeEvent } from '../../mip/events.ts';
import { CN6, COA4, HA4, HA6, HOA } from '../../mip/test-fixtures.ts';
import type { DatagramTransport } from '../../net/transport.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import { FakePacketDevice, ping } from './test-support.ts';
import { TunUnavailableError } from './tun-open.ts';
import { UeUserPlane } from './ue-user-plane.ts';

class NamedDevice extends FakePacketDevice {
  readonly name = 'dsmip0';
}

function socket(label: string, sent: string[]): DatagramTransport {
  return {
    family: 4,
    localAddress: COA4,
    localPort: 40000,
    send: (_p, to, port) => sent.push(`${label} → ${to}:${port}`),
    onMessage: () => {},
    close: () => {},
  };
}

const REGISTERED: MobileNodeEvent = {
  kind: 'registered',
  homeAgent: HA6,
  careOf: COA4,
  lifetimeSec: 3600,
  ipv4HomeAddress: undefined,
  tunnel: { kind: 'udp4', source: COA4, destination: HA4, sourcePort: 40000, destinationPort: 4191 },
  refresh: false,
  prefixDiscoveryNeeded: false,
  keyManagementMobility: false,
};

test('registration opens the device; a move sends from the new socket and pins the HA through the new address', () => {
  const sent: string[] = [];
  const pins: (string | undefined)[] = [];
  const device = new NamedDevice();
  const plane = new UeUserPlane({
    tun: {
      config: { enabled: true, name: 'dsmip0', mtu: 1400, routes: [] },
      homeAddress: HOA,
      homeAgent: { ipv6: HA6, ipv4: HA4 },
      open: () => device,
      pinner: {
        pin: (_a, careOf) => {
          pins.push(careOf?.toString());
          return () => {};
        },
      },
    },
    dataSa: undefined,
    socket: socket('old', sent),
    raw: [],
    now: () => 0,
    onTunError: (why) => assert.fail(why),
  });
  assert.equal(plane.fromHomeAgent(ping(CN6, HOA)), false, 'no device yet');
  plane.apply(REGISTERED);
  device.inject(ping(HOA, CN6));
  const next = Ipv4Address.parse('198.51.100.99');
  plane.changeCareOf(socket('new', sent), next);
  device.inject(ping(HOA, CN6));
  assert.deepEqual(sent, [`old → ${HA4}:4191`, `new → ${HA4}:4191`]);
  assert.deepEqual(pins, [undefined, `${next}`]);
  assert.equal(plane.fromHomeAgent(ping(CN6, HOA)), true);
  assert.equal(plane.fromRawIpv4(new Uint8Array(20)), false, 'no data SA: not taken');
  plane.close();
  assert.ok(device.closed);
});

test('a device that cannot open is reported, once per attempt, and nothing else breaks', () => {
  const errors: string[] = [];
  const plane = new UeUserPlane({
    tun: {
      config: { enabled: true, name: 'dsmip0', mtu: 1400, routes: [] },
      homeAddress: HOA,
      homeAgent: { ipv6: HA6, ipv4: undefined },
      open: () => {
        throw new TunUnavailableError('ue.tun', 'opening /dev/net/tun needs root or CAP_NET_ADMIN');
      },
      pinner: { pin: () => () => {} },
    },
    dataSa: undefined,
    socket: socket('z', []),
    raw: [],
    now: () => 0,
    onTunError: (why) => errors.push(why),
  });
  plane.apply(REGISTERED);
  plane.changeCareOf(socket('z2', []), COA4);
  assert.deepEqual(errors, ['opening /dev/net/tun needs root or CAP_NET_ADMIN']);
  assert.equal(plane.fromHomeAgent(ping(CN6, HOA)), false);
});
