// `dsmip aaa` as a process: up with metrics on a free port, SIGHUP reloads the second-round users, SIGTERM stops it
// with exit 0; a config error exits 2 naming the file, line and key.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startDsmip } from '../../test/e2e/dsmip-process.ts';

const BIN = new URL('../../bin/dsmip', import.meta.url).pathname;
const SUBSCRIBERS = new URL('../../examples/subscribers.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dsmip-aaa-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const yaml = (users: string) => `aaa:
  subscriberFile: "${join(dir, 'subscribers.json')}"
  secondAuth: { method: gtc, users: ${users} }
  metrics: { enabled: true, address: 127.0.0.1, port: 0 }
  logging: { level: info, format: json }
`;

test('dsmip aaa: starts, reloads on SIGHUP, stops on SIGTERM with exit 0', async () => {
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  const file = join(dir, 'aaa.yaml');
  writeFileSync(file, yaml('[{ identity: a@pdn.example, secret: x }]'));
  const aaa = startDsmip(['aaa', '--config', file]);
  try {
    const up = await aaa.waitFor('AAA server up');
    assert.match(String(up.metrics), /^http:\/\/127\.0\.0\.1:\d+$/);
    const metrics = await (await fetch(`${up.metrics}/metrics`)).text();
    assert.match(metrics, /# TYPE dsmip_aaa_requests_total counter/);
    writeFileSync(file, yaml('[{ identity: b@pdn.example, secret: y }]'));
    aaa.child.kill('SIGHUP');
    const reloaded = await aaa.waitFor('config reloaded');
    assert.deepEqual(reloaded.applied, ['aaa.secondAuth']);
    aaa.child.kill('SIGTERM');
    assert.equal(await aaa.exit, 0, aaa.output());
  } finally {
    aaa.child.kill('SIGKILL');
  }
});

test('dsmip aaa: a config error exits 2 naming the file, line and key', () => {
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'aaa:\n  subscriberFile: s.json\n  secondAuth: { method: chap }\n');
  const r = spawnSync(process.execPath, [BIN, 'aaa', '--config', file], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.yaml line 3: aaa\.secondAuth\.method: expected one of "md5" \| "gtc"/);
});
