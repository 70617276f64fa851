/** Deeply frozen config values: a core given a config can rely on it not changing under it. */
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';

/** Readonly all the way down; addresses, byte strings and functions are left as they are. */
export type DeepReadonly<T> = T extends Ipv4Address | Ipv6Address | Uint8Array | ((...args: never[]) => unknown)
  ? T
  : T extends readonly (infer E)[]
    ? readonly DeepReadonly<E>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/**
 * Freezes `value` and everything reachable from it. Byte arrays cannot be frozen (ECMAScript refuses
 * `Object.freeze` on a typed array with elements): they are the one exception, copied once by the loader.
 */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || Object.isFrozen(v)) continue;
    if (v instanceof Ipv4Address || v instanceof Ipv6Address) {
      Object.freeze(v);
      continue;
    }
    Object.freeze(v);
    for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
  return value as DeepReadonly<T>;
}
