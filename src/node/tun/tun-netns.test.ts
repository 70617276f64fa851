// Real TUN devices (the native addon, root) in network namespaces of their own, the kernel's UDP sockets as the
// applications, the tunnel's far end answering (netns-tun-child.ts):
//   HA: CN socket ─kernel route─▶ dsmtun-ha ─▶ HaTun ══(UDP 4191 to the NAT)══▶ far end ─▶ back through the device
//   UE: app socket ─default route halves─▶ dsmtun-ue ─▶ UeTun ══▶ far end ─▶ back; the HA stays on the access link
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';

const CHILD = new URL('./netns-tun-child.ts', import.meta.url).pathname;
const REPO = new URL('../../../', import.meta.url).pathname;
const HA_NS = `dsmtun-ha-${process.pid}`;
const UE_NS = `dsmtun-ue-${process.pid}`;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function runChild(ns: string, role: string): Record<string, unknown> {
  const out = execFileSync(
    'setpriv',
    ['--pdeathsig', 'KILL', '--', 'ip', 'netns', 'exec', ns, process.execPath, '--import', 'tsx', CHILD, role],
    { cwd: REPO, encoding: 'utf8', timeout: 30_000 },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

before(() => {
  // HA side: a "correspondent" interface (one end of a veth pair); the TUN device adds the pool routes.
  ip('netns', 'add', HA_NS);
  ip('-n', HA_NS, 'link', 'set', 'lo', 'up');
  ip('-n', HA_NS, 'link', 'add', 'cn0', 'type', 'veth', 'peer', 'name', 'cn1');
  ip('-n', HA_NS, 'link', 'set', 'cn1', 'up');
  ip('-n', HA_NS, 'addr', 'add', '203.0.113.9/24', 'dev', 'cn0');
  // The HA's own addresses are local, as on a real HA: an ICMPv4 error from one of them would be a martian.
  ip('-n', HA_NS, 'addr', 'add', '192.0.2.1/32', 'dev', 'cn0');
  ip('-n', HA_NS, '-6', 'addr', 'add', '2001:db8:1::1/128', 'dev', 'cn0', 'nodad');
  ip('-n', HA_NS, '-6', 'addr', 'add', '2001:db8:5::9/64', 'dev', 'cn0', 'nodad');
  ip('-n', HA_NS, 'link', 'set', 'cn0', 'up');
  // UE side: the access link holds the CoA, with the HA on it (and a default route the TUN must not replace).
  ip('netns', 'add', UE_NS);
  ip('-n', UE_NS, 'link', 'set', 'lo', 'up');
  ip('-n', UE_NS, 'link', 'add', 'acc0', 'type', 'veth', 'peer', 'name', 'acc1');
  ip('-n', UE_NS, 'link', 'set', 'acc1', 'up');
  ip('-n', UE_NS, 'addr', 'add', '192.0.2.100/24', 'dev', 'acc0');
  ip('-n', UE_NS, '-6', 'addr', 'add', '2001:db8:2::200/64', 'dev', 'acc0', 'nodad');
  ip('-n', UE_NS, 'link', 'set', 'acc0', 'up');
  ip('-n', UE_NS, 'route', 'add', 'default', 'via', '192.0.2.254', 'dev', 'acc0');
  ip('-n', UE_NS, '-6', 'route', 'add', 'default', 'via', '2001:db8:2::1', 'dev', 'acc0');
});

after(() => {
  for (const ns of [HA_NS, UE_NS]) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // not created
    }
  }
});

test('HA TUN: pool routes, both directions for both home addresses, unbound dropped, the kernel takes our PTB', () => {
  const r = runChild(HA_NS, 'ha') as {
    routes: string;
    routes6: string;
    pong4: string;
    pong6: string;
    unbound: string;
    pmtu4: string;
    pmtu6: string;
    sent: { to: string; port: number; innerSource: string }[];
    status: { counters: { drops: Record<string, number>; intoTunnel: { packets: number } }; icmp: { sent: number } };
    left: string;
  };
  const dsts = (JSON.parse(r.routes) as { dst: string }[]).map((x) => x.dst);
  assert.deepEqual(dsts.sort(), ['10.10.0.1', '10.10.0.2']);
  assert.ok((JSON.parse(r.routes6) as { dst: string }[]).some((x) => x.dst === '2001:db8:100::/40'));
  assert.deepEqual([r.pong4, r.pong6, r.unbound], ['pong', 'pong', 'timeout']);
  assert.deepEqual(
    r.sent.slice(0, 2).map((s) => [s.to, s.port, s.innerSource]),
    [
      ['203.0.113.5', 20000, '203.0.113.9'],
      ['203.0.113.5', 20000, '2001:db8:5::9'],
    ],
  );
  assert.equal(r.status.counters.drops['no-binding'], 1);
  assert.equal(r.status.icmp.sent, 2);
  assert.match(r.pmtu4, /mtu 1372/, 'Fragmentation Needed taken by the kernel (RFC 1191)');
  assert.match(r.pmtu6, /mtu 1372/, 'Packet Too Big taken by the kernel (RFC 8201)');
  assert.ok(!r.left.includes('dsmtun-ha'), 'the device is gone after close');
});

test('UE TUN: home addresses on the device, default route in halves, the HA pinned to the access link, gone on close', () => {
  const r = runChild(UE_NS, 'ue') as {
    addresses: string;
    viaDefault: string;
    toHa: string;
    toHa6: string;
    pong4: string;
    pong6: string;
    sent: { innerSource: string }[];
    left: string;
    pinsLeft: string;
  };
  type AddrInfo = { local: string; prefixlen: number; scope: string };
  const [link] = JSON.parse(r.addresses) as { mtu: number; addr_info: AddrInfo[] }[];
  assert.equal(link!.mtu, 1400);
  // The kernel adds its own link-local address to the device; ours are the global ones.
  const global = link!.addr_info.filter((a) => a.scope === 'global');
  assert.deepEqual(global.map((a) => `${a.local}/${a.prefixlen}`).sort(), ['10.10.0.1/32', '2001:db8:100::5/128']);
  assert.equal((JSON.parse(r.viaDefault) as { dev: string }[])[0]!.dev, 'dsmtun-ue');
  assert.equal((JSON.parse(r.toHa) as { dev: string }[])[0]!.dev, 'acc0');
  assert.equal((JSON.parse(r.toHa6) as { dev: string }[])[0]!.dev, 'acc0');
  assert.deepEqual([r.pong4, r.pong6], ['pong', 'pong']);
  assert.deepEqual(
    r.sent.map((s) => s.innerSource),
    ['10.10.0.1', '2001:db8:100::5'],
  );
  assert.ok(!r.left.includes('dsmtun-ue'), 'the device (and its addresses and routes) is gone after close');
  assert.equal(r.pinsLeft.trim(), '', 'the pinned host route is removed');
});

test('HomeAgent with tun.enabled: the device comes up with the node, shows in /status, and goes with stop()', () => {
  const r = runChild(HA_NS, 'ha-node') as {
    tun: { device: string; routes: string[]; linkMtu: number };
    up: string;
    left: string;
  };
  assert.deepEqual([r.tun.device, r.tun.linkMtu], ['dsmtun-node', 1500]);
  assert.deepEqual(r.tun.routes, ['2001:db8:100::/40', '10.10.0.1/32', '10.10.0.2/32']);
  assert.equal((JSON.parse(r.up) as { mtu: number }[])[0]!.mtu, 1400);
  assert.ok(!r.left.includes('dsmtun-node'));
});
