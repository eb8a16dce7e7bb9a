// Exit codes and the one-line error report: a user sees what went wrong, never a stack trace
// (set TYPETORRENT_DEBUG=1 to get one).
import { printable, withoutUrlQueries } from './format/terminal-text.js';
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** The input (a torrent, a magnet, a path) is malformed or unusable. */
export const EXIT_BAD_INPUT = 3;

/** An error the user can act on, with the exit code it should produce. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** Prints one line for any error and returns the exit code to use. */
export function reportFatal(error: unknown): number {
  if (process.env['TYPETORRENT_DEBUG']) console.error(error);
  // Messages can quote a torrent's or a peer's text: keep it to one line with no terminal escapes.
  // Messages can quote a tracker request: its query holds our peer id and key.
  const message = printable(withoutUrlQueries(error instanceof Error ? error.message : String(error)));
  process.stderr.write(`typetorrent: ${message}\n`);
  if (error instanceof CliError) return error.exitCode;
  return EXIT_FAILURE;
}
