import type { Command } from 'commander';
import { loadAaaConfig } from '../config/load.ts';
import { AaaServer } from '../node/aaa/aaa-server.ts';
import { createLogger } from '../obs/log.ts';
import { EXIT } from './exit-codes.ts';
import {
  collect,
  configInput,
  configProblem,
  type NodeFlags,
  onReloadSignal,
  untilStopSignal,
} from './node-runtime.ts';

const AAA_HELP = `
The config file holds one mapping, aaa: (see examples/aaa.yaml). DSMIP_AAA__<KEY>__<KEY>=value and
--set aaa.key.path=value override single keys.

SIGHUP re-reads the config file (same variables and --set flags): the second-round users (aaa.secondAuth) and the
subscriber file (aaa.subscriberFile) take effect at once; changes to listeners, metrics or logging are logged as
taking effect after a restart; an invalid file is logged and the running config kept.

Exit codes: 0 stopped cleanly after SIGTERM/SIGINT, 1 a listener or server could not be opened,
2 usage or config error.`;

/** `dsmip aaa`: a standalone 3GPP AAA server until SIGTERM/SIGINT. */
export function addAaaCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('aaa')
    .description('run a 3GPP AAA server (EAP-AKA, RFC 4739 second rounds) for home agents')
    .requiredOption('--config <file>', 'YAML config file')
    .option('--set <key=value>', 'override one config key (repeatable), e.g. --set aaa.metrics.port=0', collect)
    .addHelpText('after', AAA_HELP)
    .action(async (flags: NodeFlags) => {
      let config: ReturnType<typeof loadAaaConfig>;
      try {
        config = loadAaaConfig(configInput(flags));
      } catch (e) {
        const problem = configProblem(e);
        if (problem === undefined) throw e;
        console.error(`dsmip aaa: invalid config\n${problem}`);
        setExit(EXIT.USAGE);
        return;
      }
      const log = createLogger({ ...config.logging, name: 'dsmip-aaa' });
      const stop = untilStopSignal();
      let server: AaaServer | undefined;
      const offReload = onReloadSignal(() => {
        if (!server) return;
        try {
          server.reload(loadAaaConfig(configInput(flags)));
        } catch (e) {
          log.error({ err: e }, configProblem(e) ?? 'reload failed: running config kept');
        }
      });
      try {
        server = await AaaServer.start(config, { logger: log });
        const signal = await stop;
        log.info({ signal }, 'stopping');
      } catch (e) {
        const problem = configProblem(e);
        log.error({ err: e }, problem ?? 'AAA server failed');
        console.error(`dsmip aaa: ${problem ?? (e as Error).message}`);
        setExit(problem ? EXIT.USAGE : EXIT.FAILED);
      } finally {
        offReload();
        await server?.stop();
      }
    });
}
