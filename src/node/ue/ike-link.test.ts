// An IKE link's end: a Delete answered (RFC 7296 §1.4.1), a Delete unanswered (an address the UE has lost), an SA the
// engine no longer has, a closed endpoint, and a plain close; each time its BU/BA SAs leave the SAD by the SPIs it
// installed, never by IKE SA id, and no timer outlives the link.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IkeEvent } from '../../ike/events.ts';
import type { IkeInitiator } from '../../ike/initiator.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import type { MobilitySaRegistry } from '../mobility/sa-registry.ts';
import type { IkeDatagramEndpoint } from '../net/ike-datagram-endpoint.ts';
import { Listeners } from '../net/listeners.ts';
import { IkeLink, RetiredIkeLinks } from './ike-link.ts';

type Engine = 'answers' | 'silent' | 'no-such-sa' | 'closed';

function link(engine: Engine) {
  const events = new Listeners<IkeEvent>();
  const removed: number[] = [];
  const calls: string[] = [];
  const endpoint = {
    run(command: (engine: { deleteIkeSa(now: number, id: number): boolean }, now: number) => unknown) {
      if (engine === 'closed') throw new Error('IKE endpoint is closed');
      return command(
        {
          deleteIkeSa: (_now, id) => {
            calls.push(`delete ${id}`);
            if (engine === 'answers')
              setImmediate(() => events.emit({ kind: 'ike-sa-deleted', ikeSaId: id, reason: 'deleted' }));
            return engine !== 'no-such-sa';
          },
        },
        0,
      );
    },
    close: () => calls.push('close'),
  } as unknown as IkeDatagramEndpoint<IkeInitiator>;
  const registry = { remove: (spi: number) => removed.push(spi) > 0 } as unknown as MobilitySaRegistry;
  const careOf = Ipv4Address.parse('192.0.2.100');
  const l = new IkeLink(endpoint, 1, events, new Set([0xc0ffee01, 0xc0ffee02]), registry, careOf);
  return { l, events, removed, calls };
}

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const tick = () => new Promise((r) => setImmediate(r));

test('delete: the answer ends it, the endpoint closes and its SAs leave the SAD once', async () => {
  const { l, removed, calls } = link('answers');
  assert.equal(l.careOf.toString(), '192.0.2.100');
  await l.delete(1000);
  assert.deepEqual(calls, ['delete 1', 'close']);
  assert.deepEqual(removed, [0xc0ffee01, 0xc0ffee02]);
  l.close();
  assert.deepEqual(calls, ['delete 1', 'close'], 'closing again does nothing');
  await l.delete(1000);
  assert.deepEqual(calls, ['delete 1', 'close'], 'a closed link sends no Delete');
});

test('delete without an answer rejects after the limit and closes anyway; the retired set reports it', async () => {
  const { l, removed, calls } = link('silent');
  await assert.rejects(l.delete(20), /no IKE SA deletion within 20 ms/);
  assert.deepEqual(calls, ['delete 1', 'close']);
  assert.equal(removed.length, 2);
  const unanswered: string[] = [];
  const retired = new RetiredIkeLinks(20, (e) => unanswered.push(e.message));
  const other = link('silent');
  retired.retire(other.l);
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(unanswered, ['no IKE SA deletion within 20 ms']);
});

test('an SA the engine no longer has: nothing to wait for, the link closes at once', async () => {
  const { l, removed, calls } = link('no-such-sa');
  const before = timers();
  const deleting = l.delete(60_000);
  assert.equal(timers(), before, 'no deletion timer armed');
  await deleting;
  assert.deepEqual(calls, ['delete 1', 'close']);
  assert.equal(removed.length, 2);
});

test('a closed endpoint: delete rejects with why, and no timer is left to reject later', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    const { l, calls } = link('closed');
    const before = timers();
    await assert.rejects(l.delete(30), /IKE endpoint is closed/);
    assert.deepEqual(calls, ['close']);
    assert.equal(timers(), before);
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('closeAll (stop): pending Deletes end at once, their timers are cleared, nothing is reported afterwards', async () => {
  const unanswered: string[] = [];
  const retired = new RetiredIkeLinks(10_000, (e) => unanswered.push(e.message));
  const before = timers();
  const pending = link('silent');
  retired.retire(pending.l);
  assert.equal(timers(), before + 1, 'the Delete waits for its answer');
  retired.closeAll();
  assert.deepEqual(pending.calls, ['delete 1', 'close']);
  await tick();
  assert.equal(timers(), before, 'the 10 s timer went with the link');
  assert.deepEqual(unanswered, []);
  // A link closed while its own delete waits: the delete resolves.
  const { l } = link('silent');
  const deleting = l.delete(10_000);
  l.close();
  await deleting;
  assert.equal(timers(), before);
});
