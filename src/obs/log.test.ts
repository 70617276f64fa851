import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { Ipv6Address } from '../util/ip-address.ts';
import {
  componentLogger,
  createLogger,
  createMemoryLogger,
  isSecretField,
  sanitizeLogObject,
  silentLogger,
} from './log.ts';

/** A writable that collects what is written, optionally claiming to be a terminal. */
function sink(isTTY: boolean): Writable & { readonly isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(w, { isTTY, text: () => chunks.join('') });
}

test('JSON lines by default, with the component of each child logger', () => {
  const out = sink(false);
  const root = createLogger({ destination: out, name: 'dsmip-ha', level: 'debug' });
  componentLogger(root, 'mip', { binding: 'b1' }).info({ status: 0 }, 'BA sent');
  componentLogger(root, 'ike').debug('IKE_SA_INIT');
  componentLogger(root, 'ike').trace('below the level');
  const lines = out
    .text()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 2);
  assert.deepEqual(
    [lines[0]!.level, lines[0]!.component, lines[0]!.binding, lines[0]!.status, lines[0]!.msg, lines[0]!.name],
    ['info', 'mip', 'b1', 0, 'BA sent', 'dsmip-ha'],
  );
  assert.equal(lines[1]!.component, 'ike');
  assert.match(String(lines[0]!.time), /^\d{4}-\d\d-\d\dT/);
});

test('pretty output on a terminal or when asked, colourless unless enabled', () => {
  const tty = sink(true);
  createLogger({ destination: tty, color: false }).info({ component: 'dhcp' }, 'Reply');
  assert.match(tty.text(), /INFO.*\[dhcp\] Reply/);
  assert.throws(() => JSON.parse(tty.text()));
  const asked = sink(false);
  createLogger({ destination: asked, format: 'pretty' }).warn('hello');
  assert.match(asked.text(), /WARN.*hello/);
  assert.ok(!asked.text().includes('\u001b['));
  const coloured = sink(false);
  createLogger({ destination: coloured, format: 'pretty', color: true }).warn('hello');
  assert.ok(coloured.text().includes('\u001b['));
  const json = sink(true);
  createLogger({ destination: json, format: 'json' }).info('x');
  assert.equal((JSON.parse(json.text()) as { msg: string }).msg, 'x');
});

test('key material is redacted at any depth unless logSecrets is set', () => {
  const msk = new Uint8Array(64).fill(0xab);
  const { logger, lines } = createMemoryLogger();
  logger.info(
    { sa: { keys: { skEi: Uint8Array.of(1), SK_d: 'x', skD: 'y' }, spi: Uint8Array.of(0xde, 0xad) }, msk },
    'keys',
  );
  logger.info({ list: [{ opc: 'cd63' }], cookieSecret: 'c', homeAddress: Ipv6Address.parse('2001:db8::1') }, 'more');
  assert.deepEqual(lines[0]!.sa, { keys: { skEi: '[redacted]', SK_d: 'x', skD: '[redacted]' }, spi: 'dead' });
  assert.equal(lines[0]!.msk, '[redacted]');
  assert.deepEqual(lines[1]!.list, [{ opc: '[redacted]' }]);
  assert.equal(lines[1]!.cookieSecret, '[redacted]');
  assert.equal(lines[1]!.homeAddress, '2001:db8::1');
  componentLogger(logger, 'eap', { kAut: 'aa', peer: 'ue1' }).info('child');
  assert.deepEqual([lines[2]!.kAut, lines[2]!.peer, lines[2]!.component], ['[redacted]', 'ue1', 'eap']);
  logger.error({ err: new Error('boom') }, 'failed');
  const err = lines[3]!.err as { type: string; message: string; stack: string };
  assert.deepEqual([err.type, err.message], ['Error', 'boom']);
  assert.match(err.stack, /boom/);
  const open = createMemoryLogger({ logSecrets: true });
  open.logger.info({ msk: Uint8Array.of(1, 2) }, 'debugging');
  assert.equal(open.lines[0]!.msk, '0102');
  componentLogger(componentLogger(open.logger, 'ike'), 'esp', { skEi: Uint8Array.of(3) }).info('nested');
  assert.equal(open.lines[1]!.skEi, '03');
});

test('sanitizing: long byte strings are cut, other objects left to their serializers', () => {
  const long = sanitizeLogObject({ data: new Uint8Array(300) }, false) as { data: string };
  assert.ok(long.data.endsWith('…(300 bytes)'));
  const err = new Error('boom');
  assert.equal((sanitizeLogObject({ err }, false) as { err: Error }).err, err);
  for (const name of ['K', 'OPc', 'kAut', 'K_encr'.replace('_', ''), 'dhSecret', 'privateKey']) {
    assert.ok(isSecretField(name), name);
  }
  for (const name of ['homeAddress', 'keyLengthBits', 'spi', 'sequence']) assert.ok(!isSecretField(name), name);
});

test('the silent logger writes nothing', () => {
  const log = silentLogger();
  assert.equal(log.isLevelEnabled('fatal'), false);
  log.error('nothing');
});
