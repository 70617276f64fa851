import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partiesOf, phaseTimings, type TraceEntry, TraceRecorder } from './trace.ts';

test('the recorder stamps entries against its clock and tags the current phase', () => {
  let now = 5000;
  const t = new TraceRecorder(() => now);
  t.add({ from: 'UE', to: 'DNS', protocol: 'DNS', summary: 'query' });
  t.setPhase('ike');
  now = 5007;
  t.add({ from: 'UE', to: 'HA', protocol: 'IKE', summary: 'init' });
  t.add({ from: 'HA', to: 'UE', protocol: 'IKE', summary: 'late', tMs: 3, phase: 'other' });
  t.setPhase(undefined);
  t.add({ from: 'UE', to: 'UE', protocol: 'local', summary: 'done' });
  assert.deepEqual(
    t.entries.map((e) => [e.tMs, e.phase]),
    [
      [0, undefined],
      [7, 'ike'],
      [3, 'other'],
      [7, undefined],
    ],
  );
  assert.ok(!('phase' in t.entries[0]!));
});

test('phases run back to back from the end of the previous one', () => {
  const at = (tMs: number, phase?: string): TraceEntry => ({
    tMs,
    from: 'UE',
    to: 'HA',
    protocol: 'X',
    summary: '',
    ...(phase ? { phase } : {}),
  });
  assert.deepEqual(
    phaseTimings([at(1, 'discovery'), at(3, 'discovery'), at(4), at(10, 'ike'), at(25, 'ike'), at(26, 'mip')]),
    [
      { name: 'discovery', startMs: 1, endMs: 3 },
      { name: 'ike', startMs: 3, endMs: 25 },
      { name: 'mip', startMs: 25, endMs: 26 },
    ],
  );
  assert.deepEqual(phaseTimings([at(1)]), []);
});

test('parties come UE first, the home network after, unknown ones as they appear', () => {
  const e = (from: string, to: string): TraceEntry => ({ tMs: 0, from, to, protocol: 'X', summary: '' });
  assert.deepEqual(partiesOf([e('HA', 'Kea'), e('UE', 'DNS'), e('Router', 'UE')]), [
    'UE',
    'DNS',
    'HA',
    'Kea',
    'Router',
  ]);
});

test('revise replaces one entry in place, keeping its time and phase; an unknown entry is left alone', () => {
  const t = new TraceRecorder(() => 0);
  t.setPhase('eap-aka');
  const sealed = t.add({ from: 'UE', to: 'HA', protocol: 'IKE', summary: 'IKE_AUTH request #1 SK(328 bytes)' });
  t.add({ from: 'HA', to: 'UE', protocol: 'IKE', summary: 'next' });
  const open = t.revise(sealed, { summary: 'IKE_AUTH request #1 SK{IDi(x)}', details: ['IDi: type 3 x'] });
  assert.deepEqual(t.entries[0], { ...sealed, summary: 'IKE_AUTH request #1 SK{IDi(x)}', details: ['IDi: type 3 x'] });
  assert.equal(open, t.entries[0]);
  assert.equal(t.entries[0]?.phase, 'eap-aka');
  assert.equal(t.revise(sealed, { summary: 'again' }), undefined, 'the old object is no longer in the trace');
  assert.equal(t.entries.length, 2);
});
