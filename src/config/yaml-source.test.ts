import assert from 'node:assert/strict';
import { test } from 'node:test';
import { haSchema } from './ha-schema.ts';
import { knownKeysAt, schemaLeafPaths, treeLeafPaths } from './schema-walk.ts';
import { parseYamlSource, valueAt, YamlSyntaxError } from './yaml-source.ts';

test('scalars stay text; unquoted empty, ~ and null mean "not set"', () => {
  const src = parseYamlSource(
    'a: 001\nb: true\nc:\nd: ~\ne: null\nf: ""\ng: "null"\nh: [1, 0x10]\ni: &x {k: v}\nj: *x\n',
    't.yaml',
  );
  assert.deepEqual(src.tree, {
    a: '001',
    b: 'true',
    c: undefined,
    d: undefined,
    e: undefined,
    f: '',
    g: 'null',
    h: ['1', '0x10'],
    i: { k: 'v' },
    j: { k: 'v' },
  });
});

test('locate points at scalars, at the key of sections, and at the nearest key for missing paths', () => {
  const src = parseYamlSource('top:\n  list:\n    - name: x\n      v: 1\n  sub:\n    deep: 2\n', 't.yaml');
  assert.deepEqual(src.locate(['top', 'list', 0, 'v']), { line: 4, column: 10, exact: true });
  assert.deepEqual(src.locate(['top', 'sub']), { line: 5, column: 3, exact: true });
  assert.deepEqual(src.locate(['top', 'list', 0]), { line: 3, column: 7, exact: true });
  assert.deepEqual(src.locate(['top', 'sub', 'missing', 'x']), { line: 5, column: 3, exact: false });
  assert.deepEqual(src.locate(['elsewhere']), { line: 1, column: 1, exact: false });
  assert.equal(valueAt(src.tree, ['top', 'sub', 'deep']), '2');
  assert.equal(valueAt(src.tree, ['top', 'list', 5]), undefined);
});

test('syntax problems are YamlSyntaxErrors with a position', () => {
  for (const [text, line] of [
    ['a: [1,\nb: 2\n', 2],
    ['a: 1\na: 2\n', 2],
    ['? [a, b]\n: 1\n', 1],
    ['a: *nowhere\n', 1],
  ] as const) {
    assert.throws(
      () => parseYamlSource(text, 't.yaml'),
      (e: unknown) => e instanceof YamlSyntaxError && e.position?.line === line,
      text,
    );
  }
});

test('schema walking lists the keys of a section and every key path', () => {
  assert.deepEqual(knownKeysAt(haSchema, ['dhcp', 'v4'])?.sort(), [
    'dnsServers',
    'maxHops',
    'mode',
    'relayAddress',
    'relayAgentInformation',
    'serverAddresses',
    'serverIdentifier',
    'subnetMask',
    'vendorOptions',
    'vendorSpecific',
  ]);
  assert.equal(knownKeysAt(haSchema, ['binding', 'maxLifetime']), undefined);
  const paths = schemaLeafPaths(haSchema, 'ha');
  assert.ok(paths.includes('ha.dhcp.v6.vendorOptions[].subOptions[].data'));
  assert.ok(paths.includes('ha.ipv4HomeAddressPool[]'));
  assert.deepEqual(treeLeafPaths({ a: [{ b: '1' }, { c: '2' }], d: [] }, 'x'), ['x.a[].b', 'x.a[].c']);
});
