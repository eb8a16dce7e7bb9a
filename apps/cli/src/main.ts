// The `typetorrent` command: argument parsing (commander), one module per command under commands/.
// Protocol logic lives in the packages; this app only wires them to a terminal.
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, reportFatal } from './errors.js';
import { commands } from './commands/index.js';
import { printable } from './format/terminal-text.js';
import { usageErrorText } from './usage-error.js';

const program = new Command('typetorrent')
  .description('A BitTorrent client: inspect, create, find peers for, download and seed torrents.')
  .version(CLI_VERSION, '-V, --version')
  // Commander's error lines are replaced by ours (usage-error.ts); help it prints itself still shows.
  .configureOutput({ outputError: () => undefined })
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; `typetorrent` alone printed its help to stderr.
    if (error.exitCode !== 0 && error.code !== 'commander.help') process.stderr.write(`typetorrent: ${printable(usageErrorText(error))}\n`);
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    process.exitCode = reportFatal(error);
  }
}
