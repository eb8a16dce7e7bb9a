// Where a command's output goes. Commands take a Terminal rather than writing to process.stdout
// themselves, so tests can run them in-process and read what they printed.

export interface Terminal {
  /** A line of results (stdout). */
  out(line: string): void;
  /** A line of diagnostics (stderr). */
  err(line: string): void;
  /** stderr when it is an interactive terminal (progress bars go there), otherwise undefined. */
  readonly progressStream: NodeJS.WriteStream | undefined;
}

let pipeGuarded = false;

/**
 * `typetorrent info x.torrent | head` closes stdout early; the write then fails with EPIPE, which
 * Node reports as an unhandled error with a stack trace. The reader has all it wanted, so end quietly.
 */
function guardClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

export function processTerminal(): Terminal {
  guardClosedPipe();
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    progressStream: process.stderr.isTTY ? process.stderr : undefined,
  };
}
