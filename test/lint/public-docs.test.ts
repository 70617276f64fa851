/** Every export of the package entry (src/index.ts) carries TSDoc at its declaration, for library users' editors. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const root = new URL('../..', import.meta.url).pathname;
/** Not ours: pino's own type, documented by pino. */
const FOREIGN = new Set(['Logger']);

test('every export of src/index.ts has a doc comment', () => {
  const entry = join(root, 'src/index.ts');
  const program = ts.createProgram({
    rootNames: [entry],
    options: {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      allowImportingTsExtensions: true,
      noEmit: true,
      strict: true,
      types: ['node'],
    },
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exports = checker.getExportsOfModule(module);
  assert.ok(exports.length > 40);
  const undocumented = exports
    .filter((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      if (target.flags & ts.SymbolFlags.ValueModule && !(target.flags & ts.SymbolFlags.Class)) return false; // `* as x`
      return ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === '';
    })
    .map((s) => s.getName())
    .filter((name) => !FOREIGN.has(name));
  assert.deepEqual(undocumented, []);
});
