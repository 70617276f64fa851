import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fromHex, toHex } from '../../util/hex.ts';
import { expectSuccess, ViciClient } from './client.ts';
import { ViciError, ViciRequestError, type ViciRequestErrorCode } from './errors.ts';
import type { ViciMessage } from './message.ts';
import { decodeViciPacket, encodeViciSegment, type ViciPacket, ViciSegmentReader } from './packet.ts';
import { viciMessageFrom, viciMessageToTree } from './tree.ts';

// A scripted VICI daemon: enough of charon's behaviour (README "Client-initiated commands") to drive the client.
const KNOWN_EVENTS = new Set(['list-sa', 'ike-updown']);
let dir: string;
let server: Server;
let socketPath: string;
const received: ViciMessage[] = [];

function serve(socket: Socket): void {
  const reader = new ViciSegmentReader();
  const registered = new Set<string>();
  const send = (p: ViciPacket): boolean => socket.write(encodeViciSegment(p));
  const respond = (m: Parameters<typeof viciMessageFrom>[0]): boolean =>
    send({ kind: 'cmd-response', message: viciMessageFrom(m) });
  const onRequest = async (command: string, message: ViciMessage): Promise<void> => {
    switch (command) {
      case 'version':
        respond({ daemon: 'charon-systemd', version: '5.9.8' });
        return;
      case 'version-bytewise': // the same answer, one byte per write
        for (const b of encodeViciSegment({ kind: 'cmd-response', message: viciMessageFrom({ version: '5.9.8' }) })) {
          socket.write(Uint8Array.of(b));
          await sleep(1);
        }
        return;
      case 'list-sas':
        for (const name of ['ha', 'ue']) {
          if (registered.has('list-sa'))
            send({ kind: 'event', event: 'list-sa', message: viciMessageFrom({ [name]: { state: 'ESTABLISHED' } }) });
        }
        respond({});
        return;
      case 'load-pool':
        received.push(message);
        respond({ success: 'yes' });
        return;
      case 'refuse':
        respond({ success: 'no', errmsg: 'pool in use' });
        return;
      case 'raise': // an event interleaved before the response
        if (registered.has('ike-updown'))
          send({ kind: 'event', event: 'ike-updown', message: viciMessageFrom({ up: 'yes' }) });
        respond({});
        return;
      case 'hang':
        return;
      case 'garbage':
        socket.write(fromHex('0000000201ff'));
        return;
      case 'hangup':
        socket.end();
        return;
      default:
        send({ kind: 'cmd-unknown' });
    }
  };
  socket.on('data', (chunk: Buffer) => {
    for (const data of reader.push(new Uint8Array(chunk))) {
      const p = decodeViciPacket(data);
      if (p.kind === 'cmd-request') void onRequest(p.command, p.message);
      else if (p.kind === 'event-register' && KNOWN_EVENTS.has(p.event)) {
        registered.add(p.event);
        send({ kind: 'event-confirm' });
      } else if (p.kind === 'event-unregister' && registered.delete(p.event)) send({ kind: 'event-confirm' });
      else send({ kind: 'event-unknown' });
    }
  });
  socket.on('error', () => undefined);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vici-client-'));
  socketPath = join(dir, 'charon.vici');
  server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

async function rejectsWith(p: Promise<unknown>, code: ViciRequestErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof ViciRequestError && e.code === code);
}

test('a command gets its response, also when it arrives one byte at a time', async () => {
  const vici = await ViciClient.connect(socketPath);
  try {
    assert.deepEqual(viciMessageToTree(await vici.request('version')), { daemon: 'charon-systemd', version: '5.9.8' });
    assert.deepEqual(viciMessageToTree(await vici.request('version-bytewise')), { version: '5.9.8' });
  } finally {
    vici.close();
  }
});

test('commands sent back to back are answered in order (one exchange at a time)', async () => {
  const vici = await ViciClient.connect(socketPath);
  try {
    const answers = await Promise.all([
      vici.request('version-bytewise'),
      vici.request('version'),
      vici.request('nope').catch((e) => e),
    ]);
    assert.equal(viciMessageToTree(answers[0]).version, '5.9.8');
    assert.equal(viciMessageToTree(answers[1]).daemon, 'charon-systemd');
    assert.ok(answers[2] instanceof ViciRequestError && answers[2].code === 'UNKNOWN_COMMAND');
  } finally {
    vici.close();
  }
});

test('load-pool sends a binary attribute untouched; expectSuccess turns success = no into FAILED', async () => {
  const vici = await ViciClient.connect(socketPath);
  try {
    const attr16 = fromHex('00015180fd99000100020003000000000000000040');
    expectSuccess(await vici.request('load-pool', { mip6: { addrs: 'fd99:1:2:3::/64', '16': [attr16] } }), 'load-pool');
    const pool = received.at(-1)?.[0];
    assert.ok(pool?.kind === 'section' && pool.name === 'mip6');
    const list = pool.items.find((i) => i.name === '16');
    assert.ok(list?.kind === 'list');
    assert.equal(toHex(list.items[0]!), toHex(attr16));
    assert.throws(
      () => expectSuccess(viciMessageFrom({ success: 'no', errmsg: 'pool in use' }), 'load-pool'),
      (e: unknown) => e instanceof ViciRequestError && e.code === 'FAILED' && /pool in use/.test(e.message),
    );
    await assert.rejects(
      vici.request('refuse').then((m) => expectSuccess(m, 'refuse')),
      (e: unknown) => e instanceof ViciRequestError && e.code === 'FAILED',
    );
  } finally {
    vici.close();
  }
});

test('a streamed request collects its events, then unregisters', async () => {
  const vici = await ViciClient.connect(socketPath);
  try {
    const { events, response } = await vici.streamedRequest('list-sas', 'list-sa', { noblock: true });
    assert.deepEqual(events.map(viciMessageToTree), [
      { ha: { state: 'ESTABLISHED' } },
      { ue: { state: 'ESTABLISHED' } },
    ]);
    assert.deepEqual(response, []);
    // Unregistered: a second list streams nothing unless asked again through streamedRequest.
    assert.deepEqual(await vici.request('list-sas'), []);
  } finally {
    vici.close();
  }
});

test('subscribers receive events raised during a command; unknown events are refused', async () => {
  const vici = await ViciClient.connect(socketPath);
  try {
    const seen: string[] = [];
    const unsubscribe = await vici.subscribe('ike-updown', (m) => seen.push(String(viciMessageToTree(m).up)));
    const { received } = await vici.expectEvent('ike-updown', (m) => viciMessageToTree(m).up === 'yes', 2000);
    await vici.request('raise');
    assert.deepEqual(viciMessageToTree(await received), { up: 'yes' });
    assert.deepEqual(seen, ['yes']);
    await unsubscribe();
    await vici.request('raise');
    assert.deepEqual(seen, ['yes']);
    await rejectsWith(
      vici.subscribe('no-such-event', () => undefined),
      'UNKNOWN_EVENT',
    );
    const { received: never } = await vici.expectEvent('ike-updown', () => true, 50);
    await rejectsWith(never, 'TIMEOUT');
    await vici.request('raise'); // unsubscribed after the timeout: the daemon still answers, nothing is pending
  } finally {
    vici.close();
  }
});

test('a missing answer times out and closes the connection; later requests fail with CLOSED', async () => {
  const vici = await ViciClient.connect(socketPath, { timeoutMs: 100 });
  await rejectsWith(vici.request('hang'), 'TIMEOUT');
  await rejectsWith(vici.request('version'), 'CLOSED');
});

test('malformed bytes from the daemon reject the pending request with the ViciError', async () => {
  const vici = await ViciClient.connect(socketPath);
  // CMD_RESPONSE whose message starts with element type 0xff
  await assert.rejects(vici.request('garbage'), (e: unknown) => e instanceof ViciError && e.code === 'BAD_VALUE');
  await rejectsWith(vici.request('version'), 'CLOSED');
});

test('a daemon that hangs up fails the request with CLOSED; a missing socket fails to connect', async () => {
  const vici = await ViciClient.connect(socketPath);
  await rejectsWith(vici.request('hangup'), 'CLOSED');
  await rejectsWith(ViciClient.connect(join(dir, 'absent.vici')), 'CLOSED');
  const closed = await ViciClient.connect(socketPath);
  closed.close();
  await rejectsWith(closed.request('version'), 'CLOSED');
});
