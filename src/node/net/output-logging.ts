import type { Logger } from '../../obs/log.ts';
import { DEFAULT_OUTPUT_RETRY_MS, type OutputGuardOptions } from '../../obs/output-guard.ts';

/**
 * How a node reports its capture or key log failing (a full disk): one error line when the output stops, one info
 * line when it works again; the failures in between are counted (`dsmip_output_*`), not logged.
 */
export function outputGuardLogging(log: Logger, output: 'capture' | 'keylog'): OutputGuardOptions {
  return {
    retryAfterMs: DEFAULT_OUTPUT_RETRY_MS,
    onFailure: (err) =>
      log.error(
        { err, output, retryInSec: DEFAULT_OUTPUT_RETRY_MS / 1000 },
        `${output} stopped: write failed (the node keeps running; retried later)`,
      ),
    onResume: (dropped) => log.info({ output, dropped }, `${output} writing again`),
  };
}
