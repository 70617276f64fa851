/** Assertions shared by the IKE and ESP codec tests (test support, not runtime code). */
import assert from 'node:assert/strict';
import { WireError, type WireErrorCode } from '../../util/errors.ts';

/** Asserts that `fn` throws a WireError with `code` (and `offset` when given); `name` labels failures. */
export function assertWireError(fn: () => unknown, code: WireErrorCode, offset?: number, name = ''): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof WireError, `${name}: expected WireError, got ${String(e)}`);
    assert.equal(e.code, code, `${name}: ${e.message}`);
    if (offset !== undefined) assert.equal(e.offset, offset, `${name}: ${e.message}`);
    return true;
  });
}

/** Runs `fn` and fails unless it returns or throws a WireError. */
export function onlyWireError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
  }
}
