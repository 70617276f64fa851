// The nodes' TUN wrappers with an injected opener: what they ask the kernel for (name, MTU, addresses, routes), how
// they follow the bindings and registrations, and the clear error when a device cannot be opened.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadHaConfig } from '../../config/load.ts';
import { CN4, CN6, COA4, HA4, HA6, HOA, v4 } from '../../mip/test-fixtures.ts';
import { HaTun } from './ha-tun.ts';
import { FakePacketDevice, ping } from './test-support.ts';
import { checkTunAvailable, hasNetAdmin, type TunRequest, TunUnavailableError } from './tun-open.ts';
import { RawTunnelOutput } from './tunnel-output.ts';
import { UeTun } from './ue-tun.ts';

class NamedDevice extends FakePacketDevice {
  constructor(readonly name: string) {
    super();
  }
}

const HA_YAML = [
  'ha:',
  '  addresses: { ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }',
  '  ike: { identity: ha.example.net, certificate: c.pem, privateKey: k.pem }',
  '  aaa: { subscriberFile: s.json }',
  '  homePrefixPool: { base: "2001:db8:100::/40" }',
  '  ipv4HomeAddressPool: [10.10.0.0/30]',
  '  tun: { enabled: true, mtu: 1500, linkMtu: 1400 }',
].join('\n');

test('HA: the device gets the pool routes; bindings drive the forwarder; status reports both', () => {
  const asked: TunRequest[] = [];
  const dev = new NamedDevice('dsmip-ha0');
  const sent: [string, number][] = [];
  const tun = HaTun.open(loadHaConfig({ text: HA_YAML }), {
    output: {
      udp: {
        family: 4,
        localAddress: HA4,
        localPort: 4191,
        send: (_p, to, port) => sent.push([to.toString(), port]),
        onMessage: () => {},
        close: () => {},
      },
      sendRaw: () => false,
    },
    isMobileRouter: () => true,
    now: () => 0,
    open: (r) => {
      asked.push(r);
      return dev;
    },
  });
  assert.deepEqual(asked, [
    { name: 'dsmip-ha0', mtu: 1500, addresses: [], routes: ['2001:db8:100::/40', '10.10.0.1/32', '10.10.0.2/32'] },
  ]);
  const hoa = v4('10.10.0.1');
  tun.applyBindingEvent({
    kind: 'binding-created',
    homeAddress: HOA,
    careOf: COA4,
    tunnel: { kind: 'udp4', source: HA4, destination: v4('203.0.113.5'), sourcePort: 4191, destinationPort: 20000 },
    lifetimeSec: 3600,
    ikeSaId: '1',
    keyManagementMobility: false,
    natDetected: true,
  });
  tun.applyBindingEvent({ kind: 'ipv4-hoa-assigned', homeAddress: HOA, ipv4HomeAddress: hoa, dynamic: true });
  dev.inject(ping(CN6, HOA), ping(CN4, hoa), ping(CN4, hoa, 1400, true));
  assert.deepEqual(sent, [
    ['203.0.113.5', 20000],
    ['203.0.113.5', 20000],
  ]);
  const [fragNeeded] = dev.take();
  assert.equal((fragNeeded![26]! << 8) | fragNeeded![27]!, 1372, 'linkMtu 1400 less IPv4 + UDP');
  tun.fromMobileNode(ping(HOA, CN6));
  const s = tun.status();
  assert.deepEqual(
    [s.device, s.tunnels, s.counters.intoTunnel.packets, s.counters.outOfTunnel.packets, s.icmp.sent],
    ['dsmip-ha0', 1, 2, 1, 1],
  );
  tun.close();
  assert.ok(dev.closed);
});

test('UE: opened at the first registration with the home addresses, pinned HA routes; closed on detach', () => {
  const asked: TunRequest[] = [];
  const pinned: string[][] = [];
  let unpinned = 0;
  const dev = new NamedDevice('dsmip0');
  const tun = new UeTun({
    config: { enabled: true, name: 'dsmip0', mtu: 1400, routes: [] },
    homeAddress: HOA,
    homeAgent: { ipv6: HA6, ipv4: HA4 },
    output: new RawTunnelOutput(undefined, []),
    now: () => 0,
    open: (r) => {
      asked.push(r);
      return dev;
    },
    pinner: {
      pin: (a) => {
        pinned.push(a.map(String));
        return () => unpinned++;
      },
    },
  });
  assert.equal(tun.fromHomeAgent(ping(CN6, HOA)), false, 'no device before the registration');
  const registered = {
    kind: 'registered',
    homeAgent: HA6,
    careOf: COA4,
    lifetimeSec: 3600,
    ipv4HomeAddress: v4('10.10.0.1'),
    tunnel: { kind: 'ipv4', source: COA4, destination: HA4 },
    refresh: false,
    prefixDiscoveryNeeded: false,
    keyManagementMobility: false,
  } as const;
  tun.apply(registered);
  tun.apply({ ...registered, refresh: true });
  assert.deepEqual(asked, [
    {
      name: 'dsmip0',
      mtu: 1400,
      addresses: ['2001:db8:1::100/128', '10.10.0.1/32'],
      routes: ['::/1', '8000::/1', '0.0.0.0/1', '128.0.0.0/1'],
    },
  ]);
  assert.deepEqual(pinned, [['2001:db8:1::1', '192.0.2.1']]);
  assert.equal(tun.fromHomeAgent(ping(CN6, HOA)), true);
  assert.equal(dev.take().length, 1);
  dev.inject(ping(HOA, CN6));
  assert.equal(tun.counters.drops['no-socket'], 1, 'routed, but this test has no raw socket');
  tun.apply({ kind: 'deregistered', acknowledged: true });
  dev.inject(ping(HOA, CN6));
  assert.equal(tun.counters.drops['not-registered'], 1);
  tun.close();
  assert.ok(dev.closed);
  assert.equal(unpinned, 1);
});

test('a TUN that cannot be opened is a TunUnavailableError naming the key and why', () => {
  assert.throws(
    () => checkTunAvailable('ue.tun', false),
    (e: unknown) =>
      e instanceof TunUnavailableError && e.path === 'ue.tun' && /ue\.tun\.enabled: .*(root|addon)/.test(e.message),
  );
  assert.equal(hasNetAdmin('CapEff:\t0000000000001000\n'), true);
  assert.equal(hasNetAdmin('CapEff:\t0000000000002000\n'), false);
  const failing = new UeTun({
    config: { enabled: true, name: 'dsmip0', mtu: 1400, routes: [] },
    homeAddress: HOA,
    homeAgent: { ipv6: HA6, ipv4: undefined },
    output: new RawTunnelOutput(undefined, []),
    now: () => 0,
    open: () => {
      throw new TunUnavailableError('ue.tun', 'opening /dev/net/tun needs root or CAP_NET_ADMIN');
    },
    pinner: { pin: () => () => {} },
  });
  assert.throws(
    () =>
      failing.apply({
        kind: 'registered',
        homeAgent: HA6,
        careOf: COA4,
        lifetimeSec: 4,
        ipv4HomeAddress: undefined,
        tunnel: { kind: 'ipv4', source: COA4, destination: HA4 },
        refresh: false,
        prefixDiscoveryNeeded: false,
        keyManagementMobility: false,
      }),
    TunUnavailableError,
  );
});
