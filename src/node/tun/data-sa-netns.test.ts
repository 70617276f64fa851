// The data SA of RFC 5555 §5.2.2 between the runnable nodes, as root in a network namespace of its own
// (netns-data-sa-child.ts): the UE (`ike.protectData`, a real TUN device) attaches from an IPv4 CoA without a NAT,
// negotiates the data SA after registration, and an application's UDP packets to a correspondent cross as plain ESP
// (IP protocol 50) both ways. tshark then decrypts the UE's own capture with the UE's own key log.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { findField, hasMalformed, type TsharkLayers } from '../../../test/oracle/tshark.ts';
import { LINKTYPE_RAW, writePcap } from '../../obs/pcap.ts';
import { fromHex } from '../../util/hex.ts';
import { nativeAvailability } from '../net/native.ts';

const CHILD = new URL('./netns-data-sa-child.ts', import.meta.url).pathname;
const REPO = new URL('../../../', import.meta.url).pathname;
const NS = `dsmdata-${process.pid}`;
const run = promisify(execFile);
const skip =
  process.getuid?.() !== 0
    ? 'needs root (network namespace, TUN, raw sockets)'
    : nativeAvailability().available
      ? false
      : 'no native addon';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

before(() => {
  if (skip) return;
  ip('netns', 'add', NS);
  ip('-n', NS, 'link', 'set', 'lo', 'up');
  for (const a of ['192.0.2.1/32', '192.0.2.100/32']) ip('-n', NS, 'addr', 'add', a, 'dev', 'lo');
  ip('-n', NS, '-6', 'addr', 'add', '2001:db8:1::1/128', 'dev', 'lo', 'nodad');
});

after(() => {
  if (skip) return;
  try {
    ip('netns', 'del', NS);
  } catch {
    // not created
  }
});

test('UE and HA nodes: user traffic on the data SA as plain ESP, decrypted by tshark with the UE key log', {
  skip,
}, async () => {
  const out = execFileSync(
    'setpriv',
    ['--pdeathsig', 'KILL', '--', 'ip', 'netns', 'exec', NS, process.execPath, '--import', 'tsx', CHILD],
    { cwd: REPO, encoding: 'utf8', timeout: 60_000 },
  );
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
    forceUdp: string | null;
    hoa6: string;
    hoa4: string;
    dataSa: { spiIn: number; udp: boolean }[];
    pong6: string;
    pong4: string;
    core: string[];
    haDataSas: { sas: { udpEncapsulated: boolean }[]; counters: { opened: number; drops: Record<string, number> } };
    esp: string[];
    keyDir: string;
  };
  try {
    assert.equal(r.forceUdp, null, 'raw sockets: the plain IPv4 formats');
    assert.deepEqual(r.dataSa.length, 1);
    assert.equal(r.dataSa[0]!.udp, false, 'no NAT: plain ESP');
    assert.deepEqual([r.pong6, r.pong4], ['pong', 'pong']);
    assert.deepEqual(r.core, [`${r.hoa6}>2001:db8:5::9/17`, `${r.hoa4}>203.0.113.9/17`]);
    assert.equal(r.haDataSas.counters.opened, 2, 'both went through the HA data SA path');
    // The UE's capture: two ESP packets out, two in (each direction one per family).
    assert.equal(r.esp.length, 4);
    const file = join(r.keyDir, 'esp.pcap');
    writeFileSync(file, writePcap(r.esp.map(fromHex), LINKTYPE_RAW));
    const { stdout } = await run('tshark', ['-n', '-r', file, '-T', 'json', '--no-duplicate-keys'], {
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, WIRESHARK_CONFIG_DIR: r.keyDir },
    });
    const layers = (JSON.parse(stdout) as { _source: { layers: TsharkLayers } }[]).map((p) => p._source.layers);
    for (const l of layers) {
      assert.ok(!hasMalformed(l));
      assert.equal(findField(l.esp, 'esp.icv_good'), '1');
      assert.equal(findField(l, 'udp.port') !== undefined || findField(l, 'udp.srcport') !== undefined, true);
    }
    assert.equal(findField(layers[0], 'ipv6.src'), r.hoa6, 'the first is the IPv6 ping from the home address');
    assert.equal(findField(layers[0], 'udp.dstport'), '7');
  } finally {
    rmSync(join(r.keyDir, '..'), { recursive: true, force: true });
  }
});
