import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { Ipv6Address } from '../util/ip-address.ts';
import { HaMetrics, startMetricsServer } from './metrics.ts';

/** The value of one sample line (`name{labels} value`) in a text exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('counters and gauges are exposed under their names and labels', async () => {
  const m = new HaMetrics({ processMetrics: false });
  m.countAttach('success');
  m.countAttach('success');
  m.countAttach('auth-failed');
  m.countBindingUpdate(0);
  m.countBindingUpdate('dropped');
  m.countBindingAck(0);
  m.countBindingAck(132);
  m.countDrop('esp', 'replay');
  m.countDhcpAnswer('ipv6', 'embedded');
  m.setBindings(3);
  m.setIkeSas(2);
  m.setIpv4PoolFree(250);
  const text = await m.scrape();
  assert.equal(sample(text, 'dsmip_attaches_total{result="success"}'), 2);
  assert.equal(sample(text, 'dsmip_attaches_total{result="auth-failed"}'), 1);
  assert.equal(sample(text, 'dsmip_bu_total{status="0"}'), 1);
  assert.equal(sample(text, 'dsmip_bu_total{status="dropped"}'), 1);
  assert.equal(sample(text, 'dsmip_ba_total{status="132"}'), 1);
  assert.equal(sample(text, 'dsmip_drops_total{layer="esp",reason="replay"}'), 1);
  assert.equal(sample(text, 'dsmip_dhcp_answers_total{family="ipv6",mode="embedded"}'), 1);
  assert.equal(sample(text, 'dsmip_bindings'), 3);
  assert.equal(sample(text, 'dsmip_ike_sas'), 2);
  assert.equal(sample(text, 'dsmip_ipv4_pool_free'), 250);
  assert.match(text, /# TYPE dsmip_bu_total counter/);
  assert.doesNotMatch(text, /process_cpu/);
});

test('gauges with a source are read at scrape time; registries are separate', async () => {
  let bindings = 5;
  const a = new HaMetrics({ processMetrics: false, sources: { bindings: () => bindings } });
  const b = new HaMetrics({ processMetrics: false });
  assert.equal(sample(await a.scrape(), 'dsmip_bindings'), 5);
  bindings = 7;
  assert.equal(sample(await a.scrape(), 'dsmip_bindings'), 7);
  a.countDrop('mh', 'bad-checksum');
  assert.equal(sample(await b.scrape(), 'dsmip_drops_total{layer="mh",reason="bad-checksum"}'), undefined);
});

test('/metrics and /status over loopback, then a clean close', async () => {
  const m = new HaMetrics();
  m.countBindingAck(0);
  const server = await startMetricsServer({
    registry: m.registry,
    port: 0,
    status: async () => ({ bindings: 1, homeAgent: Ipv6Address.parse('2001:db8:1::1'), spi: Uint8Array.of(1, 2) }),
  });
  try {
    const metrics = await fetch(`${server.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await metrics.text();
    assert.equal(sample(text, 'dsmip_ba_total{status="0"}'), 1);
    assert.match(text, /dsmip_process_cpu_user_seconds_total/);
    const status = await fetch(`${server.url}/status`);
    assert.equal(status.headers.get('content-type'), 'application/json');
    assert.deepEqual(await status.json(), { bindings: 1, homeAgent: '2001:db8:1::1', spi: '0102' });
    assert.equal((await fetch(`${server.url}/other`)).status, 404);
    assert.equal((await fetch(`${server.url}/metrics`, { method: 'POST' })).status, 405);
  } finally {
    await server.close();
  }
  await assert.rejects(fetch(`${server.url}/metrics`));
});

test('a failing status callback is a 500, without /status configured a 404; a busy port rejects', async () => {
  const m = new HaMetrics({ processMetrics: false });
  const failing = await startMetricsServer({
    registry: m.registry,
    port: 0,
    status: () => {
      throw new Error('core stopped');
    },
  });
  const plain = await startMetricsServer({ registry: m.registry, host: '::1', port: 0 });
  try {
    const r = await fetch(`${failing.url}/status`);
    assert.equal(r.status, 500);
    assert.deepEqual(await r.json(), { error: 'core stopped' });
    assert.ok(plain.url.startsWith('http://[::1]:'));
    assert.equal((await fetch(`${plain.url}/status`)).status, 404);
    await assert.rejects(startMetricsServer({ registry: m.registry, port: failing.port }), /EADDRINUSE/);
  } finally {
    await failing.close();
    await plain.close();
  }
});

test('the metrics server bounds connections: the excess is closed at once, idle ones time out, metrics still answer', async () => {
  const m = new HaMetrics({ processMetrics: false });
  m.setBindings(7);
  const server = await startMetricsServer({
    registry: m.registry,
    port: 0,
    limits: { maxConnections: 4, headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 100 },
  });
  const sockets: Socket[] = [];
  try {
    const closed: Promise<number>[] = [];
    const started = performance.now();
    for (let i = 0; i < 12; i++) {
      const s = connect(server.port, '127.0.0.1');
      s.on('error', () => undefined);
      sockets.push(s);
      closed.push(new Promise((resolve) => s.once('close', () => resolve(performance.now() - started))));
      await new Promise((resolve) => s.once('connect', resolve));
    }
    // The 8 beyond maxConnections are closed without a request; the 4 idle ones once headersTimeout is over.
    const times = await Promise.all(closed);
    assert.equal(times.length, 12);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.equal(sample(text, 'dsmip_bindings'), 7);
    // A client that sends half a request head and stops is dropped as well.
    const slow = connect(server.port, '127.0.0.1');
    sockets.push(slow);
    slow.on('error', () => undefined);
    await new Promise((resolve) => slow.once('connect', resolve));
    slow.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
    await new Promise((resolve) => slow.once('close', resolve));
    const again = await fetch(`${server.url}/metrics`);
    assert.equal(again.status, 200);
  } finally {
    for (const s of sockets) s.destroy();
    await server.close();
  }
});

test('with every connection slot held, a new client is refused rather than queued', async () => {
  const m = new HaMetrics({ processMetrics: false });
  const server = await startMetricsServer({
    registry: m.registry,
    port: 0,
    limits: { maxConnections: 2, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 },
  });
  const held: Socket[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const s = connect(server.port, '127.0.0.1');
      s.on('error', () => undefined);
      held.push(s);
      await new Promise((resolve) => s.once('connect', resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // both accepted by the server
    const extra = connect(server.port, '127.0.0.1');
    held.push(extra);
    extra.on('error', () => undefined);
    extra.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
    let answered = '';
    extra.on('data', (d: Buffer) => {
      answered += d.toString();
    });
    await new Promise((resolve) => extra.once('close', resolve));
    assert.equal(answered, '', 'closed without an answer');
  } finally {
    for (const s of held) s.destroy();
    await server.close();
  }
});
