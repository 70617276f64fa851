// Raw IPv6 against the real kernel (root; CI runs as root), each case in a network namespace of its own
// (netns-raw-child.ts): the kernel guard keeps the kernel from answering HAO, RH2 and raw-protocol packets to the
// node's addresses with ICMPv6 errors, and follows `update`; a stale guard table of a dead process is removed at
// install; one AF_PACKET reader serves every raw IPv6 transport, sees only packets for this host, and drops fragments;
// a send the kernel refuses is reported, counted, and not traced as sent; the guard follows a new source address and
// the transports still open; the provider counts raw sockets and forgets one closed on its own.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { hasRawSocketPrivilege } from './raw-sockets.ts';

const CHILD = new URL('./netns-raw-child.ts', import.meta.url).pathname;
const REPO = new URL('../../../', import.meta.url).pathname;

function inNamespace<T>(role: string, before: (ns: string) => void, check: (result: T, ns: string) => void): void {
  assert.ok(hasRawSocketPrivilege(), 'this test needs root (CI runs as root)');
  const ns = `dsmraw-${role}-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    before(ns);
    const out = execFileSync('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', CHILD, role], {
      encoding: 'utf8',
      cwd: REPO,
      timeout: 30_000,
    });
    check(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T, ns);
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
}

test('kernel guard: no ICMPv6 error for HAO, RH2 or protocol 41 to a guarded address; errors for the others', () => {
  // A table left by a process that is gone (pids never reach 2^31), and one of this live process.
  const stale = 'dsmip_guard_2147483647_1';
  const live = `dsmip_guard_${process.pid}_999`;
  inNamespace<{ errors: Record<string, string[]> }>(
    'guard',
    (ns) => {
      for (const t of [stale, live]) execFileSync('ip', ['netns', 'exec', ns, 'nft', 'add', 'table', 'ip6', t]);
    },
    (result, ns) => {
      // RFC 8200 §4.2 (option 0xC9: discard + Parameter Problem code 2), §4.4 (routing type 2, Segments Left 1:
      // code 0 at the Routing Type), RFC 4443 §3.4 (no handler for Next Header 41 here: code 1).
      const unguarded = ['type 4 code 2', 'type 4 code 0', 'type 4 code 1'];
      assert.deepEqual(result.errors, { '2001:db8::3': unguarded, '2001:db8::2': unguarded });
      const tables = execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'tables', 'ip6'], { encoding: 'utf8' });
      assert.ok(!tables.includes(stale), tables);
      assert.ok(tables.includes(live), tables);
      assert.ok(!/dsmip_guard_\d+_1\b/.test(tables.replace(live, '')), `the child's own table is removed: ${tables}`);
    },
  );
});

test('one AF_PACKET reader for all raw IPv6 transports: packets for this host only, fragments dropped', () => {
  interface Result {
    packetSockets: number;
    afterClose: number;
    got: string[];
    reader: { packets: number; fragments: number; truncated: number; unclaimed: number; readErrors: number };
    sends: boolean[];
    sentTraces: string[];
    espStatus: Record<string, number | string>;
    guardedBefore: string[];
    guardedAfter: string[];
    protocolsLeft: string[];
    openCounts: number[];
  }
  inNamespace<Result>(
    'reader',
    () => {},
    (r) => {
      assert.equal(r.packetSockets, 1, 'ESP, 41 and 4 share one socket');
      assert.equal(r.afterClose, 0);
      // Not the copy addressed to another MAC (PACKET_OTHERHOST in promiscuous mode), nor the UDP one (the BPF
      // program), nor the first fragment (no reassembly).
      assert.deepEqual(r.got, ['2001:db8:a::98']);
      assert.equal(r.reader.fragments, 1);
      assert.equal(r.reader.truncated, 0);
      // MLD reports (Hop-by-Hop, then ICMPv6) from the new link may pass the filter: unclaimed, not delivered.
      assert.equal(r.reader.packets - r.reader.unclaimed, 2);
      assert.equal(r.reader.readErrors, 0);
      // The unroutable send: false, counted with its errno (ENETUNREACH), and absent from the trace (and pcap).
      assert.deepEqual(r.sends, [false, true]);
      assert.deepEqual(r.sentTraces, ['2001:db8:a::98']);
      assert.deepEqual(r.espStatus, {
        label: 'raw6/50',
        sent: 1,
        received: 1,
        notForUs: 0,
        sendErrors: 1,
        lastSendErrno: 101,
      });
      // The guard followed the node to its new address, and the protocols to the transports still open.
      assert.deepEqual(r.guardedBefore, ['2001:db8:a::98', '2001:db8:a::99']);
      assert.deepEqual(r.guardedAfter, ['2001:db8:a::98', '2001:db8:a::99', '2001:db8:b::1']);
      assert.deepEqual(r.protocolsLeft, ['esp', 'ipv6']);
      assert.deepEqual(r.openCounts, [3, 2, 0]);
    },
  );
});
