// An IKE link's end: a Delete answered (RFC 7296 §1.4.1), a Delete unanswered (an address the UE has lost), and a
// plain close; each time its BU/BA SAs leave the SAD by the SPIs it installed, never by IKE SA id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IkeEvent } from '../../ike/events.ts';
import type { IkeInitiator } from '../../ike/initiator.ts';
import type { MobilitySaRegistry } from '../mobility/sa-registry.ts';
import type { IkeDatagramEndpoint } from '../net/ike-datagram-endpoint.ts';
import { Listeners } from '../net/listeners.ts';
import { IkeLink, RetiredIkeLinks } from './ike-link.ts';

function link(answer: boolean) {
  const events = new Listeners<IkeEvent>();
  const removed: number[] = [];
  const calls: string[] = [];
  const endpoint = {
    run(command: (engine: { deleteIkeSa(now: number, id: number): boolean }, now: number) => unknown) {
      return command(
        {
          deleteIkeSa: (_now, id) => {
            calls.push(`delete ${id}`);
            if (answer) setImmediate(() => events.emit({ kind: 'ike-sa-deleted', ikeSaId: id, reason: 'deleted' }));
            return true;
          },
        },
        0,
      );
    },
    close: () => calls.push('close'),
  } as unknown as IkeDatagramEndpoint<IkeInitiator>;
  const registry = { remove: (spi: number) => removed.push(spi) > 0 } as unknown as MobilitySaRegistry;
  const l = new IkeLink(endpoint, 1, events, new Set([0xc0ffee01, 0xc0ffee02]), registry);
  return { l, events, removed, calls };
}

test('delete: the answer ends it, the endpoint closes and its SAs leave the SAD once', async () => {
  const { l, removed, calls } = link(true);
  await l.delete(1000);
  assert.deepEqual(calls, ['delete 1', 'close']);
  assert.deepEqual(removed, [0xc0ffee01, 0xc0ffee02]);
  l.close();
  assert.deepEqual(calls, ['delete 1', 'close'], 'closing again does nothing');
});

test('delete without an answer rejects after the limit and closes anyway; the retired set reports it', async () => {
  const { l, removed, calls } = link(false);
  await assert.rejects(l.delete(20), /no IKE SA deletion within 20 ms/);
  assert.deepEqual(calls, ['delete 1', 'close']);
  assert.equal(removed.length, 2);
  const unanswered: string[] = [];
  const retired = new RetiredIkeLinks(20, (e) => unanswered.push(e.message));
  const other = link(false);
  retired.retire(other.l);
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(unanswered, ['no IKE SA deletion within 20 ms']);
  const pending = link(false);
  retired.retire(pending.l);
  retired.closeAll(); // stop(): closed at once, without waiting for the Delete
  assert.deepEqual(pending.calls, ['delete 1', 'close']);
  await new Promise((r) => setTimeout(r, 40));
});
