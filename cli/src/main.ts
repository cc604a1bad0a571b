/**
 * `trawl`: the command line over @trawl/sdk (commander for arguments, cli-progress for the run's bar, cli-table3
 * for tables). Every failure ends in reportError, which prints the API's code, message and hint and picks the exit code.
 */
import { Command } from 'commander';
import { registerRun } from './commands/run.ts';
import { registerRead } from './commands/read.ts';
import { registerSpec } from './commands/spec.ts';
import { registerMcp } from './mcp/command.ts';
import { EXIT, reportError } from './output.ts';
import type { GlobalFlags } from './context.ts';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('trawl')
    .description('Collect web data with real browsers: jobs, runs and results from the terminal')
    .option('--json', 'machine-readable output on stdout')
    .option('--url <origin>', 'the API (default: stored login, TRAWL_API_URL, or http://127.0.0.1:8787)')
    .showHelpAfterError()
    .exitOverride();
  const globals = () => program.opts<GlobalFlags>();
  let code: number = EXIT.ok;
  const done = (c: number) => { code = c; };
  registerSpec(program, globals, done);
  registerRun(program, globals, done);
  registerRead(program, globals, done);
  registerMcp(program, globals, done);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e as { code?: string; exitCode?: number };
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) return err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    return reportError(e, Boolean(globals().json));
  }
  return code;
}
