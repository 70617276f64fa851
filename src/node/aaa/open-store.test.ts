import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadHaConfig } from '../../config/load.ts';
import { silentLogger } from '../../obs/log.ts';
import { ConfigError } from '../../util/errors.ts';
import { openSubscriberFileStore } from './open-store.ts';
import { writeSubscriberRange } from './subscriber-range.ts';

function aaaOf(lines: string): ReturnType<typeof loadHaConfig>['aaa'] {
  const yaml = [
    'ha:',
    '  addresses: { ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }',
    '  ike: { identity: ha.example.net, certificate: c.pem, privateKey: k.pem }',
    `  aaa: { ${lines} }`,
    '  homePrefixPool: { base: "2001:db8:100::/40" }',
  ].join('\n');
  return loadHaConfig({ text: yaml }).aaa;
}

test('ha.aaa: a relative sqnStateFile is taken from the config folder; the default sits beside the subscriber file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-open-store-'));
  try {
    const subs = join(dir, 'keys', 'subscribers.json');
    mkdirSync(join(dir, 'keys'));
    mkdirSync(join(dir, 'conf', 'state'), { recursive: true });
    writeSubscriberRange(subs, { first: '001010000000001', count: 2 });
    const relative = openSubscriberFileStore(
      aaaOf(`subscriberFile: "${subs}", sqnStateFile: state/sqn, sqnReserve: 7`),
      silentLogger(),
      join(dir, 'conf'),
    );
    assert.equal(relative.stateFile, join(dir, 'conf', 'state', 'sqn'));
    assert.equal(relative.get('001010000000001')!.sqn.seqHe, 0);
    relative.close();
    assert.deepEqual(readdirSync(join(dir, 'conf', 'state')), ['sqn']);
    const byDefault = openSubscriberFileStore(aaaOf(`subscriberFile: "${subs}"`), silentLogger());
    assert.equal(byDefault.stateFile, `${subs}.sqn`);
    byDefault.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ha.aaa: a state file location that cannot be written stops the start naming ha.aaa.sqnStateFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-open-store-'));
  try {
    const subs = join(dir, 'subscribers.json');
    writeSubscriberRange(subs, { first: '001010000000001', count: 1 });
    writeFileSync(join(dir, 'a-file'), '');
    assert.throws(
      () => openSubscriberFileStore(aaaOf(`subscriberFile: "${subs}", sqnStateFile: a-file/sqn`), silentLogger(), dir),
      (e: unknown) => e instanceof ConfigError && e.path === 'ha.aaa.sqnStateFile' && e.message.includes('a-file/sqn'),
    );
    assert.throws(
      () => loadHaConfig({ text: 'ha:\n  aaa: { subscriberFile: s.json, sqnReserve: 0 }\n' }),
      /ha\.aaa\.sqnReserve/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
