// The native addon against the real kernel, privileged (CI runs as root; each test says so when it is not): raw
// IPv4 sockets for protocol 41 with whole packets both ways and the per-node destination filter; whole IPv6 packets
// with a Home Address option or a type 2 routing header read from AF_PACKET (the kernel itself discards them
// without CONFIG_IPV6_MIP6); a TUN device in a network namespace of its own, both directions, gone when closed.
// The kernel guard, the shared IPv6 reader and refused sends are in raw-netns.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { RawProtocol } from '../../net/transport.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { buildIpv4Packet, buildIpv6Packet } from '../../wire/ip/build.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { walkIpv6Chain } from '../../wire/ip/ipv6-chain.ts';
import { nativeAvailability } from './native.ts';
import { hasRawSocketPrivilege, probeRawSockets } from './raw-sockets.ts';
import { NodeRawTransport } from './raw-transport.ts';

const privileged = hasRawSocketPrivilege();

function nextPacket(t: NodeRawTransport, ms = 2000): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no packet on raw${t.family}/${t.protocol} in ${ms} ms`)), ms);
    t.onPacket((p) => {
      clearTimeout(timer);
      resolve(p.packet);
    });
  });
}

test('the addon is built and loads (npm ci builds it; npm test rebuilds it when missing)', () => {
  assert.deepEqual(nativeAvailability(), { available: true });
  assert.equal(probeRawSockets().available, privileged);
});

test('raw IPv4 protocol 41: whole packets out and in, only those for our addresses', async () => {
  assert.ok(privileged, 'this test needs root or CAP_NET_RAW (CI runs as root)');
  const x = 1 + (process.pid % 250);
  const a = Ipv4Address.parse(`127.77.${x}.1`);
  const b = Ipv4Address.parse(`127.77.${x}.2`);
  const sender = NodeRawTransport.open({ protocol: RawProtocol.IPV6_IN_IP, family: 4, localAddresses: () => [a] });
  const receiver = NodeRawTransport.open({ protocol: RawProtocol.IPV6_IN_IP, family: 4, localAddresses: () => [b] });
  try {
    const inner = buildIpv6Packet({
      src: Ipv6Address.parse('2001:db8::1'),
      dst: Ipv6Address.parse('2001:db8::2'),
      nextHeader: 59 /* No Next Header, RFC 8200 §4.7 */,
      payload: new Uint8Array([1, 2, 3, 4]),
    });
    const packet = buildIpv4Packet({ src: a, dst: b, protocol: IpProtocol.IPV6, payload: inner });
    const got = nextPacket(receiver);
    sender.send(packet);
    const p = await got;
    assert.equal(p[9], 41);
    assert.deepEqual([...p.subarray(12, 20)], [...a.bytes, ...b.bytes]);
    assert.deepEqual([...p.subarray(20)], [...inner]);
    assert.equal(sender.counters.received, 0, 'the sender is not the destination');
    assert.ok(sender.counters.notForUs >= 1);
    assert.throws(() => sender.send(inner), { code: 'FAMILY_MISMATCH' });
  } finally {
    sender.close();
    receiver.close();
  }
});

test('raw IPv6: a packet with a Home Address option and one with a type 2 routing header arrive whole', async () => {
  assert.ok(privileged, 'this test needs root or CAP_NET_RAW (CI runs as root)');
  const local = Ipv6Address.parse('::1');
  const hoa = Ipv6Address.parse('2001:db8:100::7');
  const t = NodeRawTransport.open({
    protocol: RawProtocol.ESP,
    family: 6,
    localAddresses: () => [local],
    interface: 'lo',
  });
  try {
    const esp = new Uint8Array(32).fill(0xab);
    for (const extra of [{ homeAddressOption: hoa }, { routingHeaderType2: hoa }]) {
      const packet = buildIpv6Packet({ src: local, dst: local, nextHeader: IpProtocol.ESP, payload: esp, ...extra });
      const got = nextPacket(t);
      t.send(packet);
      const p = await got;
      assert.deepEqual([...p], [...packet]);
      assert.equal(walkIpv6Chain(p)?.protocol, 50);
    }
  } finally {
    t.close();
  }
});

test('TUN in a namespace: a datagram to a routed address comes out of the device, a written packet goes in', () => {
  assert.ok(privileged, 'this test needs root (CI runs as root)');
  const ns = `dsmtun${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const script = `
      import { createSocket } from 'node:dgram';
      import { execFileSync } from 'node:child_process';
      import { openTun, configureTun } from '${new URL('./tun-device.ts', import.meta.url).pathname}';
      import { buildUdp4 } from '${new URL('../../wire/ip/build.ts', import.meta.url).pathname}';
      import { Ipv4Address } from '${new URL('../../util/ip-address.ts', import.meta.url).pathname}';
      const dev = openTun({ name: 'dsmt0', mtu: 1280 });
      configureTun(dev, { addresses: ['10.99.0.1/32'], routes: ['10.99.1.0/24'] });
      const out = { name: dev.name, mtu: dev.mtu };
      const sock = createSocket('udp4');
      sock.bind(0, '10.99.0.1', () => {
        const port = sock.address().port;
        dev.onPackets((packets) => {
          // The kernel also sends IPv6 link-local traffic (MLD, router solicitations) into a new link.
          const p = packets.find((q) => q[0] >> 4 === 4);
          if (p === undefined || out.fromKernel) return;
          out.fromKernel = { version: p[0] >> 4, protocol: p[9], dst: [...p.subarray(16, 20)].join('.'), length: p.length };
          dev.write(buildUdp4({ src: Ipv4Address.parse('10.99.1.9'), dst: Ipv4Address.parse('10.99.0.1'),
            sourcePort: 7, destinationPort: port, payload: new TextEncoder().encode('pong') }));
        });
        sock.on('message', (m, r) => {
          out.intoKernel = { text: m.toString(), from: r.address + ':' + r.port };
          dev.close();
          sock.close();
          out.linkAfterClose = (() => { try { execFileSync('ip', ['link', 'show', 'dsmt0'], { stdio: 'pipe' }); return 'present'; } catch { return 'gone'; } })();
          console.log(JSON.stringify(out));
        });
        sock.send('ping', 9, '10.99.1.2');
      });
      setTimeout(() => { console.log(JSON.stringify(out)); process.exit(1); }, 3000).unref();
    `;
    const stdout = execFileSync(
      'ip',
      ['netns', 'exec', ns, process.execPath, '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 20_000 },
    );
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'), {
      name: 'dsmt0',
      mtu: 1280,
      fromKernel: { version: 4, protocol: 17, dst: '10.99.1.2', length: 32 },
      intoKernel: { text: 'pong', from: '10.99.1.9:7' },
      linkAfterClose: 'gone',
    });
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});
