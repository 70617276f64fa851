import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseSubscriberFile } from '../eap/subscriber.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { aaaSchema } from './aaa-schema.ts';
import { haSchema } from './ha-schema.ts';
import { loadAaaConfig, loadHaConfig, loadUeConfig } from './load.ts';
import { schemaLeafPaths, treeLeafPaths } from './schema-walk.ts';
import { ueSchema } from './ue-schema.ts';
import { parseYamlSource } from './yaml-source.ts';

const EXAMPLES = new URL('../../examples/', import.meta.url);
const UE_EXAMPLES = ['ue.yaml', 'ue-ipv6.yaml'];
const AAA_EXAMPLES = ['aaa.yaml'];
const HA_EXAMPLES = ['ha.yaml', 'ha-relay.yaml', 'ha-radius.yaml', 'ha-diameter.yaml'];

function examplePath(name: string): string {
  return new URL(name, EXAMPLES).pathname;
}

test('every example UE config loads', () => {
  const [v4, v6] = UE_EXAMPLES.map((f) => loadUeConfig({ file: examplePath(f) }));
  assert.equal(v4!.access.family, 'ipv4');
  assert.ok(v4!.access.ipv4!.careOfAddress instanceof Ipv4Address);
  assert.equal(v4!.discovery.dns!.servers[1]!.port, 53);
  assert.equal(v6!.access.family, 'ipv6');
  assert.ok(v6!.access.ipv6!.careOfAddress instanceof Ipv6Address);
  assert.equal(v6!.discovery.epdgHomeAgentAddress!.length, 20);
  assert.deepEqual(v6!.mobility.refreshMargin, { kind: 'duration', duration: { ms: 300_000, sec: 300 } });
});

test('every example HA config loads', () => {
  const [embedded, relay, radius, diameter] = HA_EXAMPLES.map((f) => loadHaConfig({ file: examplePath(f) }));
  assert.equal(embedded!.dhcp.v6.mode, 'embedded');
  assert.equal(embedded!.ipv4HomeAddressPool[0]!.first.toString(), '10.10.0.1');
  assert.equal(embedded!.binding.refreshAdvice!.sec, 3000);
  assert.equal(relay!.dhcp.v4.mode, 'relay');
  assert.equal(relay!.binding.baEncapsulation, 'rfc5555');
  assert.equal(relay!.binding.refreshAdvice, undefined);
  assert.equal(embedded!.aaa.mode, 'embedded');
  assert.equal(relay!.aaa.mode, 'embedded'); // the default
  assert.equal(radius!.aaa.radius!.servers[1]!.port, 1812);
  assert.equal(radius!.aaa.secondAuth.required, true);
  assert.equal(diameter!.aaa.diameter!.servers[0]!.port, 3868);
});

test('the example AAA server config loads', () => {
  const aaa = loadAaaConfig({ file: examplePath('aaa.yaml') });
  assert.equal(aaa.radius!.listen.port, 1812);
  assert.equal(aaa.diameter!.listen.address.toString(), '::1');
  assert.deepEqual(aaa.diameter!.applications, ['eap', 's6b']);
  assert.equal(aaa.secondAuth.users[0]!.identity, 'alice@corporate.example');
});

test('the example subscriber file parses and holds the demo subscriber (TS 35.208 set 1)', () => {
  const subscribers = parseSubscriberFile(readFileSync(examplePath('subscribers.json'), 'utf8'));
  assert.equal(subscribers.length, 2);
  const ue = loadUeConfig({ file: examplePath('ue.yaml') });
  const demo = subscribers.find((s) => s.imsi === ue.identity.imsi)!;
  assert.deepEqual([...demo.k], [...ue.identity.k]);
  assert.deepEqual([...demo.opc], [...ue.identity.opc]);
});

/** Key paths present in the examples, in schema notation (`list[]` for any element). */
function exampleLeafPaths(files: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    const tree = parseYamlSource(readFileSync(examplePath(f), 'utf8'), f).tree;
    for (const p of treeLeafPaths(tree)) out.add(p);
  }
  return out;
}

test('every schema key path has a valid example', () => {
  for (const [schema, root, files] of [
    [ueSchema, 'ue', UE_EXAMPLES],
    [haSchema, 'ha', HA_EXAMPLES],
    [aaaSchema, 'aaa', AAA_EXAMPLES],
  ] as const) {
    const present = exampleLeafPaths(files);
    const missing = schemaLeafPaths(schema, root).filter((p) => !present.has(p));
    assert.deepEqual(missing, [], `${root}: no example for ${missing.join(', ')}`);
    // And nothing in the examples that the schema does not know (the load would fail anyway).
    const known = new Set(schemaLeafPaths(schema, root));
    assert.deepEqual(
      [...present].filter((p) => !known.has(p)),
      [],
    );
  }
});
