/**
 * `dsmip ue` on SIGHUP: the config file is read again (with the same DSMIP_* environment and --set flags) and
 * compared with the running config. A new care-of address of the running family (`access.ipv4.careOfAddress`, or
 * `access.ipv6.careOfAddress` on IPv6 access) is a move: a BU from the new address and a new IKE SA from it
 * (UserEquipment.changeCareOfAddress). Every other change (other access keys, any other section) needs a restart and
 * is logged by key path as such; an invalid file is logged and the running config kept.
 */
import { isDeepStrictEqual } from 'node:util';
import type { UeConfig } from '../config/load.ts';
import type { Logger } from '../obs/log.ts';
import { type IpAddress, Ipv4Address } from '../util/ip-address.ts';
import { configProblem } from './node-runtime.ts';

export type UeAccess = UeConfig['access'];

export interface AccessReload {
  /** The new care-of address of the running family, when it changed. */
  readonly careOf: IpAddress | undefined;
  /** Key paths that changed but only take effect after a restart. */
  readonly needsRestart: readonly string[];
}

const text = (v: unknown): string => (v === undefined ? '' : String(v));

/** What a reloaded `access` section changes compared with the running one. */
export function accessReload(running: UeAccess, next: UeAccess): AccessReload {
  const needsRestart: string[] = [];
  if (running.family !== next.family) needsRestart.push('ue.access.family');
  if (running.interface !== next.interface) needsRestart.push('ue.access.interface');
  const sameFamily = running.family === next.family;
  // The care-of address of the other family is not in use: a change there waits for a restart.
  for (const family of ['ipv4', 'ipv6'] as const) {
    if (sameFamily && family === next.family) continue;
    if (text(running[family]?.careOfAddress) !== text(next[family]?.careOfAddress)) {
      needsRestart.push(`ue.access.${family}.careOfAddress`);
    }
  }
  const before = text(running[running.family]?.careOfAddress);
  const after = next[next.family]?.careOfAddress;
  const moved = sameFamily && after !== undefined && before !== text(after);
  return { careOf: moved ? after : undefined, needsRestart };
}

/** What a reloaded config changes: the access section as `accessReload`, plus every other section that changed. */
export function configReload(running: UeConfig, next: UeConfig): AccessReload {
  const access = accessReload(running.access, next.access);
  const keys = [...new Set([...Object.keys(running), ...Object.keys(next)])] as (keyof UeConfig)[];
  const changed = keys.filter((k) => k !== 'access' && !isDeepStrictEqual(running[k], next[k])).map((k) => `ue.${k}`);
  return { careOf: access.careOf, needsRestart: [...access.needsRestart, ...changed] };
}

export interface ReloadDeps {
  /** Reads and validates the config file again (throws ConfigError / ConfigFileError). */
  readonly load: () => UeConfig;
  readonly ue: { changeCareOfAddress(careOf: IpAddress): Promise<{ readonly changed: boolean }> };
  readonly log: Logger;
}

/** Applies one SIGHUP; returns the config now running (only a care-of address moves while running). Never throws. */
export async function reloadConfig(running: UeConfig, deps: ReloadDeps): Promise<UeConfig> {
  const { log } = deps;
  let next: UeConfig;
  try {
    next = deps.load();
  } catch (e) {
    log.error({ problem: configProblem(e) ?? String(e) }, 'config reload failed: the running config stays');
    return running;
  }
  const r = configReload(running, next);
  log.info({ careOf: r.careOf, needsRestart: r.needsRestart }, 'config re-read (SIGHUP)');
  if (r.needsRestart.length > 0) log.warn({ keys: r.needsRestart }, 'these changes take effect after a restart');
  if (!r.careOf) return running;
  try {
    const change = await deps.ue.changeCareOfAddress(r.careOf);
    log.info({ change }, change.changed ? 're-registered from the new care-of address' : 'already at that address');
    const access =
      r.careOf instanceof Ipv4Address
        ? { ...running.access, ipv4: { careOfAddress: r.careOf } }
        : { ...running.access, ipv6: { careOfAddress: r.careOf } };
    return { ...running, access };
  } catch (e) {
    log.error({ err: e, careOf: r.careOf }, 'care-of address change failed');
    return running;
  }
}
