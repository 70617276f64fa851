/**
 * Finds every `.slice(...)` call whose receiver is a Uint8Array, a Buffer or a subtype of either.
 *
 * `Uint8Array.prototype.slice` copies, but `Buffer.prototype.slice` returns a view (Node's docs: "the same as
 * buf.subarray()"), and every Uint8Array read from a socket or a file is a Buffer. Code that slices bytes
 * expecting a copy and then writes into the result silently edits the caller's packet. The project writes
 * `.subarray()` for a view and `copyBytes()` (src/util/bytes.ts) for a copy, so any byte `.slice(` is a bug or
 * an ambiguity; this check, run by test/lint/byte-slice.test.ts, keeps the class out.
 *
 * It uses the TypeScript type checker, so strings and arrays (whose `.slice` always copies) are not reported.
 * `Uint8Array.prototype.slice.call(x, ...)` is not a `.slice(` call on a byte receiver and is not reported.
 */
import { dirname, relative } from 'node:path';
import ts from 'typescript';

export interface ByteSlice {
  /** Path relative to the directory of the tsconfig. */
  readonly file: string;
  /** 1-based line and column of the `.slice` name. */
  readonly line: number;
  readonly column: number;
  /** The receiver's type as the checker prints it, e.g. `Buffer` or `Uint8Array<ArrayBufferLike>`. */
  readonly receiverType: string;
}

/** Interfaces whose `slice` method is the one to avoid (Buffer's view, or Uint8Array's that may be Buffer's). */
const BYTE_INTERFACES = new Set(['Uint8Array', 'Buffer']);

/** True when `type` (or a member of a union/intersection, or a type parameter's constraint) is byte-like. */
function isByteType(checker: ts.TypeChecker, type: ts.Type, seen = new Set<ts.Type>()): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  if (type.isUnionOrIntersection()) return type.types.some((t) => isByteType(checker, t, seen));
  if ((type.flags & ts.TypeFlags.TypeParameter) !== 0) {
    const c = checker.getBaseConstraintOfType(type);
    return c !== undefined && c !== type && isByteType(checker, c, seen);
  }
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  if (symbol !== undefined && BYTE_INTERFACES.has(symbol.getName())) return true;
  // Classes and interfaces that extend Uint8Array or Buffer (a generic one is a reference to its target).
  const target = (type as ts.TypeReference).target ?? type;
  if (target.isClassOrInterface()) {
    for (const base of checker.getBaseTypes(target)) if (isByteType(checker, base, seen)) return true;
  }
  return false;
}

/** Every byte `.slice(` call in the files of `program` accepted by `include` (default: all non-declaration files). */
export function findByteSlicesInProgram(
  program: ts.Program,
  root: string,
  include: (fileName: string) => boolean = () => true,
): ByteSlice[] {
  const checker = program.getTypeChecker();
  const found: ByteSlice[] = [];
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || sf.fileName.includes('/node_modules/') || !include(sf.fileName)) continue;
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'slice'
      ) {
        const receiver = node.expression.expression;
        const type = checker.getTypeAtLocation(receiver);
        if (isByteType(checker, type)) {
          const pos = sf.getLineAndCharacterOfPosition(node.expression.name.getStart(sf));
          found.push({
            file: relative(root, sf.fileName),
            line: pos.line + 1,
            column: pos.character + 1,
            receiverType: checker.typeToString(type),
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

/** Loads `tsconfigPath` and returns every byte `.slice(` call in its files that `include` accepts (absolute paths). */
export function findByteSlices(tsconfigPath: string, include: (fileName: string) => boolean): ByteSlice[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    tsconfigPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error(`cannot read ${tsconfigPath}`);
  const program = ts.createProgram({ rootNames: config.fileNames.filter(include), options: config.options });
  return findByteSlicesInProgram(program, dirname(tsconfigPath), include);
}

/** The files the guard covers: the library's sources under src/ (tests may slice the bytes they built). */
export function isLibrarySource(root: string, fileName: string): boolean {
  return fileName.startsWith(`${root}/src/`) && !fileName.endsWith('.test.ts');
}

/** `file:line:column: .slice() on <type>` for each finding. */
export function formatByteSlices(found: readonly ByteSlice[]): string {
  return found.map((f) => `${f.file}:${f.line}:${f.column}: .slice() on ${f.receiverType}`).join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
  const found = findByteSlices(`${root}/tsconfig.json`, (f) => isLibrarySource(root, f));
  if (found.length > 0) {
    console.error(
      `${formatByteSlices(found)}\n${found.length} .slice() call(s) on bytes: use .subarray() or copyBytes()`,
    );
    process.exitCode = 1;
  }
}
