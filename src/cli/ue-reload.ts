/**
 * `dsmip ue` on SIGHUP: the config file is read again (with the same DSMIP_* environment and --set flags) and its
 * `access` section compared with the running one. A new care-of address of the running family
 * (`access.ipv4.careOfAddress`, or `access.ipv6.careOfAddress` on IPv6 access) is a move: a BU from the new address
 * and a new IKE SA from it (UserEquipment.changeCareOfAddress). Any other access change needs a restart and
 * is logged as such; an invalid file is logged and the running config kept.
 */
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

export interface ReloadDeps {
  /** Reads and validates the config file again (throws ConfigError / ConfigFileError). */
  readonly load: () => UeConfig;
  readonly ue: { changeCareOfAddress(careOf: IpAddress): Promise<unknown> };
  readonly log: Logger;
}

/** Applies one SIGHUP; returns the access section now running. Never throws. */
export async function reloadAccess(running: UeAccess, deps: ReloadDeps): Promise<UeAccess> {
  const { log } = deps;
  let next: UeAccess;
  try {
    next = deps.load().access;
  } catch (e) {
    log.error({ problem: configProblem(e) ?? String(e) }, 'config reload failed: the running config stays');
    return running;
  }
  const r = accessReload(running, next);
  log.info({ careOf: r.careOf, needsRestart: r.needsRestart }, 'config reloaded (SIGHUP)');
  if (r.needsRestart.length > 0) log.warn({ keys: r.needsRestart }, 'these access keys take effect after a restart');
  if (!r.careOf) return running;
  try {
    const change = await deps.ue.changeCareOfAddress(r.careOf);
    log.info({ change }, 're-registered from the new care-of address');
    return r.careOf instanceof Ipv4Address
      ? { ...running, ipv4: { careOfAddress: r.careOf } }
      : { ...running, ipv6: { careOfAddress: r.careOf } };
  } catch (e) {
    log.error({ err: e, careOf: r.careOf }, 'care-of address change failed');
    return running;
  }
}
