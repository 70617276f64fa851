import { Command, CommanderError } from 'commander';
import { addDecodeCommand } from './decode-command.ts';

/** Exit codes scripts can rely on. */
export const EXIT = {
  OK: 0,
  /** The input could not be read (missing file, not a capture, bad hex). */
  INPUT: 1,
  /** Bad command-line usage. */
  USAGE: 2,
  /** Everything was read, but at least one packet was malformed (it is still printed, with the error). */
  MALFORMED: 3,
} as const;

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('dsmip')
    .description(
      'Dual-Stack Mobile IPv6 (3GPP TS 24.303 clause 5.1, RFC 5555) UE and Home Agent.\n' +
        'Commands available in this version are listed below.',
    )
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
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
