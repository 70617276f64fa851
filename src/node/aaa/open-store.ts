/**
 * The HA's subscriber store from its config: `ha.aaa.subscriberFile`, its SQN state file and reservation size,
 * with write problems logged (once per run of failures) rather than thrown.
 */
import { isAbsolute, resolve } from 'node:path';
import type { HaConfig } from '../../config/load.ts';
import type { Logger } from '../../obs/log.ts';
import { ConfigError } from '../../util/errors.ts';
import { SubscriberFileStore } from './subscriber-file-store.ts';

export const SQN_STATE_KEY = 'ha.aaa.sqnStateFile';

/** `configDir`: the config file's folder, which a relative `sqnStateFile` is taken from (default: the cwd). */
export function openSubscriberFileStore(aaa: HaConfig['aaa'], log: Logger, configDir?: string): SubscriberFileStore {
  const file = aaa.subscriberFile;
  // The schema asks for it in mode embedded, the only mode that opens the store.
  if (file === undefined) throw new ConfigError('INVALID', 'ha.aaa.subscriberFile', 'needed for the embedded AAA');
  const state = aaa.sqnStateFile;
  return SubscriberFileStore.open(file, {
    ...(state !== undefined ? { sqnStateFile: isAbsolute(state) ? state : resolve(configDir ?? '.', state) } : {}),
    sqnStateKey: SQN_STATE_KEY,
    sqnReserve: aaa.sqnReserve,
    onPersistError: (e) =>
      log.error({ err: e }, 'SQN state file not written: vectors only within the ranges already reserved'),
    onPersistRecovered: () => log.info('SQN state file written again'),
  });
}
