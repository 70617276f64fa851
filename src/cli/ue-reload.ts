/**
 * `dsmip ue` on SIGHUP: the config file is read again (with the same DSMIP_* environment and --set flags) and its
 * `access` section compared with the running one. A new `access.ipv4.careOfAddress` is a move: a BU from the new
 * address and a new IKE SA from it (UserEquipment.changeCareOfAddress). Any other access change needs a restart and
 * is logged as such; an invalid file is logged and the running config kept.
 */
import type { UeConfig } from '../config/load.ts';
import type { Logger } from '../obs/log.ts';
import type { Ipv4Address } from '../util/ip-address.ts';
import { configProblem } from './node-runtime.ts';

export type UeAccess = UeConfig['access'];

export interface AccessReload {
  /** The new IPv4 care-of address, when it changed. */
  readonly careOf: Ipv4Address | undefined;
  /** Key paths that changed but only take effect after a restart. */
  readonly needsRestart: readonly string[];
}

const text = (v: unknown): string => (v === undefined ? '' : String(v));

/** What a reloaded `access` section changes compared with the running one. */
export function accessReload(running: UeAccess, next: UeAccess): AccessReload {
  const needsRestart: string[] = [];
  if (running.family !== next.family) needsRestart.push('ue.access.family');
  if (running.interface !== next.interface) needsRestart.push('ue.access.interface');
  if (text(running.ipv6?.careOfAddress) !== text(next.ipv6?.careOfAddress)) {
    needsRestart.push('ue.access.ipv6.careOfAddress');
  }
  const before = running.ipv4?.careOfAddress;
  const after = next.ipv4?.careOfAddress;
  const moved = next.family === 'ipv4' && running.family === 'ipv4' && after && before?.equals(after) !== true;
  return { careOf: moved ? after : undefined, needsRestart };
}

export interface ReloadDeps {
  /** Reads and validates the config file again (throws ConfigError / ConfigFileError). */
  readonly load: () => UeConfig;
  readonly ue: { changeCareOfAddress(careOf: Ipv4Address): Promise<unknown> };
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
    return { ...running, ipv4: { careOfAddress: r.careOf } };
  } catch (e) {
    log.error({ err: e, careOf: r.careOf }, 'care-of address change failed');
    return running;
  }
}
