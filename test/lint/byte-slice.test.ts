/**
 * The guard against `.slice()` on bytes (scripts/lint/byte-slice.ts): no library source under src/ calls it, and
 * the checker finds every byte receiver the type system can express while leaving strings and arrays alone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import {
  findByteSlices,
  findByteSlicesInProgram,
  formatByteSlices,
  isLibrarySource,
} from '../../scripts/lint/byte-slice.ts';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

test('no library source calls .slice() on a Uint8Array or Buffer (use .subarray() or copyBytes())', () => {
  const found = findByteSlices(join(root, 'tsconfig.json'), (f) => isLibrarySource(root, f));
  assert.equal(formatByteSlices(found), '', `${found.length} byte .slice() call(s) in src/`);
});

test('the checker reports byte receivers of every shape and nothing else', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-byte-slice-'));
  try {
    const file = join(dir, 'sample.ts');
    const lines = [
      'declare const u8: Uint8Array;',
      'declare const buf: Buffer;',
      'declare const maybe: Uint8Array | undefined;',
      'declare const either: Uint8Array | string;',
      'class Packet extends Uint8Array {}',
      'declare const packet: Packet;',
      'function generic<T extends Uint8Array>(t: T) { return t.slice(1); }', // line 7
      'u8.slice(0, 2);', // 8
      'buf.slice(1);', // 9
      'maybe?.slice();', // 10
      'either.slice(1);', // 11
      'packet.slice(2);', // 12
      "'text'.slice(1);",
      '[1, 2, 3].slice(1);',
      'new ArrayBuffer(4).slice(1);',
      'new Uint16Array(4).slice(1);',
      'Uint8Array.prototype.slice.call(u8, 1, 2);',
      'u8.subarray(1);',
      'export { generic };',
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const program = ts.createProgram({
      rootNames: [file],
      options: {
        strict: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2023.d.ts'],
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
        noEmit: true,
      },
    });
    const found = findByteSlicesInProgram(program, dir);
    assert.deepEqual(
      found.map((f) => `${f.file}:${f.line}`),
      [7, 8, 9, 10, 11, 12].map((l) => `sample.ts:${l}`),
    );
    assert.match(formatByteSlices(found), /^sample\.ts:9:5: \.slice\(\) on Buffer/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
