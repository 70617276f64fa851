import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../../util/hex.ts';
import { NetnsUdpSocket } from './netns-udp.ts';

test('two endpoint processes exchange a datagram; close() ends each by its PID', async () => {
  const a = await NetnsUdpSocket.open({ netns: undefined, type: 'udp4', address: '127.0.0.1', port: 0 });
  const b = await NetnsUdpSocket.open({ netns: undefined, type: 'udp4', address: '127.0.0.1', port: 0 });
  try {
    assert.ok(a.boundPort > 0 && b.boundPort > 0 && a.boundPort !== b.boundPort);
    const got = b.receive((d) => d.port === a.boundPort, 5000);
    a.send(fromHex('0b123456'), '127.0.0.1', b.boundPort);
    const d = await got;
    assert.equal(toHex(d.payload), '0b123456');
    assert.equal(d.address, '127.0.0.1');
    await assert.rejects(
      a.receive(() => true, 50),
      /no matching datagram/,
    );
  } finally {
    await a.close();
    await b.close();
  }
  for (const pid of [a.pid, b.pid]) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
});

test('a failing bind is reported, not left running', async () => {
  await assert.rejects(
    NetnsUdpSocket.open({ netns: undefined, type: 'udp4', address: '192.0.2.123', port: 0, readyTimeoutMs: 5000 }),
    /exited/,
  );
});
