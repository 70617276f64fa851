import { Command, CommanderError } from 'commander';
import { addAaaCommand } from './aaa-command.ts';
import { addDecodeCommand } from './decode-command.ts';
import { addDemoCommand } from './demo-command.ts';
import { EXIT } from './exit-codes.ts';
import { addHaCommand, addUeCommand } from './node-commands.ts';

export { EXIT } from './exit-codes.ts';

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('dsmip')
    .description(
      'Dual-Stack Mobile IPv6 (3GPP TS 24.303 clause 5.1, RFC 5555) UE and Home Agent.\n' +
        'Commands available in this version are listed below.',
    )
    .version('0.1.0')
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 input unreadable or run failed, 2 usage or config error,\n' +
        '3 malformed packet (decode), 4 raw IP sockets needed (demo --access ipv6, ue on IPv6 access).',
    )
    .showHelpAfterError()
    .exitOverride();
  addDemoCommand(program, setExit);
  addHaCommand(program, setExit);
  addUeCommand(program, setExit);
  addAaaCommand(program, setExit);
  addDecodeCommand(program, setExit);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.OK;
  const program = buildProgram((code) => {
    exitCode = Math.max(exitCode, code);
  });
  try {
    await program.parseAsync(argv as string[]);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help'
        ? EXIT.OK
        : EXIT.USAGE;
    }
    throw e;
  }
}
