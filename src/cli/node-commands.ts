import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadHaConfig, loadUeConfig } from '../config/load.ts';
import { HomeAgent } from '../node/ha/home-agent.ts';
import { AccessUnavailableError } from '../node/ue/ue-access.ts';
import { UserEquipment } from '../node/ue/user-equipment.ts';
import { createLogger } from '../obs/log.ts';
import { EXIT } from './exit-codes.ts';
import {
  aliasesOf,
  collect,
  configInput,
  configProblem,
  NODE_HELP,
  type NodeFlags,
  onReloadSignal,
  untilStopSignal,
} from './node-runtime.ts';
import { reloadConfig } from './ue-reload.ts';

const UE_EXIT_HELP = `
SIGHUP re-reads the config file (with the same DSMIP_* variables and --set flags) and applies its access section:
a new care-of address of the running family (access.ipv4.careOfAddress, or access.ipv6.careOfAddress on IPv6
access) moves the UE there (a Binding Update from the new address, RFC 6275 §11.7.1, then a new IKE SA from it,
RFC 5555 §5.1). Every other change (other access keys, other sections) is logged as taking effect after a restart;
an invalid file is logged and the running config kept. Same idea in a program: UserEquipment.changeCareOfAddress.

Exit codes: 0 deregistered after SIGTERM/SIGINT, 1 the attach or a socket failed, 2 usage or config error,
4 the access in the config needs raw IP sockets (access.family ipv6 without root or CAP_NET_RAW, the native addon,
or with --alias lab addressing).`;

const HA_EXIT_HELP = `
Exit codes: 0 stopped cleanly after SIGTERM/SIGINT, 1 a socket or server could not be opened,
2 usage or config error.`;

function withNodeOptions(c: Command): Command {
  return c
    .requiredOption('--config <file>', 'YAML config file')
    .option('--set <key=value>', 'override one config key (repeatable), e.g. --set ue.mobility.lifetime=2h', collect)
    .option('--alias <address=loopback>', 'lab addressing on loopback (repeatable)', collect);
}

/** Loads the config and the aliases; prints the problem and returns undefined when either is invalid. */
function prepare<C>(name: string, load: () => C, setExit: (c: number) => void): C | undefined {
  try {
    return load();
  } catch (e) {
    const problem = configProblem(e);
    if (problem === undefined) throw e;
    console.error(`dsmip ${name}: invalid config\n${problem}`);
    setExit(EXIT.USAGE);
    return undefined;
  }
}

/**
 * `dsmip ue`: attach, keep the binding and the IKE SA fresh, follow a new care-of address on SIGHUP (ue-reload.ts),
 * deregister on SIGTERM/SIGINT.
 */
export function addUeCommand(program: Command, setExit: (code: number) => void): void {
  withNodeOptions(program.command('ue').description('run a UE: attach to its home agent and stay attached'))
    .addHelpText('after', `${NODE_HELP}\n${UE_EXIT_HELP}`)
    .action(async (flags: NodeFlags) => {
      const ready = prepare(
        'ue',
        () => ({ config: loadUeConfig(configInput(flags)), aliases: aliasesOf(flags) }),
        setExit,
      );
      if (!ready) return;
      const { config, aliases } = ready;
      const log = createLogger({ ...config.logging, name: 'dsmip-ue' });
      const stop = untilStopSignal();
      // SIGHUP's default action ends the process: held for the whole command (a reload before the attach or during
      // the deregistration is ignored), removed only at the very end.
      const holdSighup = onReloadSignal(() => undefined);
      let ue: UserEquipment | undefined;
      let offReload: (() => void) | undefined;
      try {
        const running = await UserEquipment.start(config, { logger: log, ...(aliases ? { aliases } : {}) });
        ue = running;
        const attaching = ue.attach();
        // A signal during the attach: stop waiting; `stop()` below ends the attempt (its rejection is expected).
        attaching.catch(() => undefined);
        // Reloads run one at a time, once attached (a move needs a binding to move).
        let current = config;
        let reloads: Promise<unknown> = attaching.catch(() => undefined);
        offReload = onReloadSignal(() => {
          reloads = reloads.then(async () => {
            if (!running.attached) return;
            current = await reloadConfig(current, { load: () => loadUeConfig(configInput(flags)), ue: running, log });
          });
        });
        const r = await Promise.race([attaching, stop.then(() => undefined)]);
        if (r) {
          log.info(
            {
              homeAgent: r.homeAgent,
              ipv6HomeAddress: r.ipv6HomeAddress,
              ipv4HomeAddress: r.ipv4HomeAddress,
              dnsServers: r.dnsServers,
              atHome: r.atHome,
              forceUdpReason: r.forceUdpReason,
              totalMs: r.totalMs,
            },
            'attached',
          );
        }
        const signal = await stop;
        offReload();
        log.info({ signal }, 'deregistering');
        await ue.detach();
        log.info('deregistered');
      } catch (e) {
        if (e instanceof AccessUnavailableError) {
          // IPv6 access without raw IPv6 sockets (not root, no addon, or lab aliases): nothing was started.
          console.error(`dsmip ue: ${e.message}; use access.family ipv4`);
          setExit(EXIT.RAW_SOCKETS);
          return;
        }
        const problem = configProblem(e);
        log.error({ err: e }, problem ?? 'UE failed');
        console.error(`dsmip ue: ${problem ?? (e as Error).message}`);
        setExit(problem ? EXIT.USAGE : EXIT.FAILED);
      } finally {
        offReload?.();
        await ue?.stop();
        holdSighup();
      }
    });
}

/** `dsmip ha`: serve UEs until SIGTERM/SIGINT, then close every socket and server. */
export function addHaCommand(program: Command, setExit: (code: number) => void): void {
  withNodeOptions(program.command('ha').description('run a home agent'))
    .addHelpText('after', `${NODE_HELP}\n${HA_EXIT_HELP}`)
    .action(async (flags: NodeFlags) => {
      const ready = prepare(
        'ha',
        () => ({ config: loadHaConfig(configInput(flags)), aliases: aliasesOf(flags) }),
        setExit,
      );
      if (!ready) return;
      const { config, aliases } = ready;
      const log = createLogger({ ...config.logging, name: 'dsmip-ha' });
      const stop = untilStopSignal();
      let ha: HomeAgent | undefined;
      try {
        ha = await HomeAgent.start(config, {
          logger: log,
          ...(aliases ? { aliases } : {}),
          ...(flags.config ? { configDir: dirname(resolve(flags.config)) } : {}),
        });
        const signal = await stop;
        log.info({ signal, bindings: ha.bindingCount }, 'stopping');
      } catch (e) {
        const problem = configProblem(e);
        log.error({ err: e }, problem ?? 'home agent failed');
        console.error(`dsmip ha: ${problem ?? (e as Error).message}`);
        setExit(problem ? EXIT.USAGE : EXIT.FAILED);
      } finally {
        await ha?.stop();
      }
    });
}
