// The pure parts of the raw IPv6 read path, without privileges: the nft scripts of the kernel guard, which guard
// tables count as stale, and the AF_PACKET socket filter run on a small classic BPF interpreter (the real kernel
// runs it in raw-netns.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Ipv6Address } from '../../util/ip-address.ts';
import { ipv6ReaderFilter } from './ipv6-packet-reader.ts';
import { isProcessAlive, kernelGuardElements, staleGuardTables } from './kernel-guard.ts';

test('the guard sets are replaced in one script; empty sets get no add element', () => {
  const a = [Ipv6Address.parse('2001:db8::1'), Ipv6Address.parse('::1')];
  assert.equal(
    kernelGuardElements('dsmip_guard_7_1', { addresses: a, protocols: [50, 41] }),
    'flush set ip6 dsmip_guard_7_1 addresses\n' +
      'flush set ip6 dsmip_guard_7_1 protocols\n' +
      'add element ip6 dsmip_guard_7_1 addresses { 2001:db8::1, ::1 }\n' +
      'add element ip6 dsmip_guard_7_1 protocols { 50, 41 }\n',
  );
  assert.equal(
    kernelGuardElements('dsmip_guard_7_1', { addresses: [], protocols: [] }),
    'flush set ip6 dsmip_guard_7_1 addresses\nflush set ip6 dsmip_guard_7_1 protocols\n',
  );
});

test('stale guard tables: those of pids that are not alive, nothing else', () => {
  const listing = [
    'table ip6 dsmip_guard_100_1',
    'table ip6 dsmip_guard_200_3',
    'table ip6 dsmip_guard_100_2',
    'table ip6 filter',
    'table ip6 dsmip_guard_x_1',
  ].join('\n');
  assert.deepEqual(
    staleGuardTables(listing, (pid) => pid === 200),
    ['dsmip_guard_100_1', 'dsmip_guard_100_2'],
  );
  assert.equal(isProcessAlive(process.pid), true);
  assert.equal(isProcessAlive(2 ** 31 - 1), false);
});

/** Classic BPF for the opcodes the filter uses; `pktType` is what SKF_AD_PKTTYPE loads. Returns the kept length. */
function runFilter(program: readonly number[], packet: Uint8Array, pktType: number): number {
  let a = 0;
  for (let pc = 0; pc * 4 < program.length; pc++) {
    const [code, jt, jf, k] = program.slice(pc * 4, pc * 4 + 4) as [number, number, number, number];
    if (code === 0x20 && k === 0xfffff004) a = pktType;
    else if (code === 0x30) {
      if (k >= packet.length) return 0; // a load past the end ends the program with 0 (drop)
      a = packet[k]!;
    } else if (code === 0x54) a &= k;
    else if (code === 0x15) pc += a === k ? jt : jf;
    else if (code === 0x06) return k;
    else throw new Error(`opcode ${code}`);
  }
  throw new Error('fell off the end');
}

test('the socket filter: IPv6 for this host whose first Next Header is read raw or may lead to one', () => {
  const program = ipv6ReaderFilter();
  assert.ok(program.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff));
  const wanted = new Set([50, 41, 4, 135, 0, 43, 44, 60, 51]);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 48 }), fc.integer({ min: 0, max: 7 }), (packet, pktType) => {
      const expected =
        pktType !== 3 && pktType !== 4 && packet.length > 6 && packet[0]! >> 4 === 6 && wanted.has(packet[6]!);
      assert.equal(runFilter(program, packet, pktType) > 0, expected);
    }),
    { numRuns: 3000 },
  );
  const esp = new Uint8Array(40);
  esp[0] = 0x60;
  esp[6] = 50;
  assert.equal(runFilter(program, esp, 0), 0x40000);
  assert.equal(runFilter(program, esp, 3), 0, 'PACKET_OTHERHOST');
  assert.equal(runFilter(program, esp, 4), 0, 'PACKET_OUTGOING');
  assert.throws(() => ipv6ReaderFilter([]), RangeError);
});
