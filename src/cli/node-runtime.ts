/**
 * What `dsmip ha` and `dsmip ue` share: loading the config (file, DSMIP_* environment, --set) with errors that name
 * the file, line and key path, lab aliases from `--alias`, waiting for SIGTERM/SIGINT, and SIGHUP for a reload.
 */
import { ConfigFileError } from '../config/errors.ts';
import type { ConfigInput } from '../config/load.ts';
import { AddressAliases } from '../node/net/address-aliases.ts';
import { ConfigError } from '../util/errors.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../util/ip-address.ts';

export interface NodeFlags {
  config: string;
  set?: string[];
  alias?: string[];
}

export function configInput(flags: NodeFlags): ConfigInput {
  return { file: flags.config, env: process.env, set: flags.set ?? [], host: true };
}

/** The message for a config problem, or undefined when `e` is something else. */
export function configProblem(e: unknown): string | undefined {
  if (e instanceof ConfigFileError || e instanceof ConfigError) return e.message;
  return undefined;
}

function parseAddress(text: string): IpAddress {
  return text.includes(':') ? Ipv6Address.parse(text) : Ipv4Address.parse(text);
}

/** `--alias 192.0.2.100=127.0.0.2`: the node uses the first address, the kernel the loopback one. */
export function aliasesOf(flags: NodeFlags): AddressAliases | undefined {
  if (!flags.alias || flags.alias.length === 0) return undefined;
  return new AddressAliases(
    flags.alias.map((a) => {
      const [address, via, ...rest] = a.split('=');
      if (!address || !via || rest.length > 0)
        throw new ConfigError('INVALID', '--alias', `${a}: give ADDRESS=LOOPBACK`);
      try {
        return { address: parseAddress(address), via: parseAddress(via) };
      } catch (e) {
        throw new ConfigError('INVALID', '--alias', `${a}: ${(e as Error).message}`);
      }
    }),
  );
}

/** Resolves on the first SIGTERM or SIGINT, with its name; the handlers are removed again. */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** Calls `handler` on every SIGHUP until the returned function is called (the config reload signal). */
export function onReloadSignal(handler: () => void): () => void {
  const on = () => handler();
  process.on('SIGHUP', on);
  return () => process.off('SIGHUP', on);
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export const NODE_HELP = `
Config: the YAML file, then DSMIP_<ROOT>__KEY__SUB_KEY environment variables, then --set key.path=value flags.
An invalid config stops the program before anything starts, naming the file, line and key path.
--alias ADDRESS=LOOPBACK (repeatable) carries an address on a loopback address, for a lab on one host without root;
every process of the lab needs the same list.`;
