// The `typetorrent` command: argument parsing (commander), one module per command under commands/.
// Protocol logic lives in the packages; this app only wires them to a terminal.
import { Command, CommanderError } from 'commander';
import { reportFatal } from './errors.js';
import { commands } from './commands/index.js';

const program = new Command('typetorrent')
  .description('A BitTorrent client: inspect, create, find peers for, download and seed torrents.')
  .version(CLI_VERSION, '-V, --version')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed by commander.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = reportFatal(error);
  }
}
