// `typetorrent create <path>`: make a v1 .torrent of a file or folder, then print its info-hash and
// magnet. Output is deterministic (sorted files, no creation date unless --date), so the same data
// and options always give the same file.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { formatMagnet, metainfoToMagnet } from '@typetorrent/metainfo';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { CliError, EXIT_USAGE } from '../errors.js';
import { formatBytes, groupDigits, parseSize } from '../format/size.js';
import { printable } from '../format/terminal-text.js';
import { createHashProgress } from '../progress/hash-progress.js';
import { processTerminal } from '../terminal.js';
import type { Terminal } from '../terminal.js';
import { badInput } from '../torrent-input.js';

export interface CreateOptions {
  readonly output?: string;
  /** Each entry is one BEP 12 tier; commas inside an entry separate URLs of the same tier. */
  readonly tracker?: readonly string[];
  readonly webSeed?: readonly string[];
  readonly private?: boolean;
  readonly pieceSize?: string;
  readonly comment?: string;
  readonly name?: string;
  readonly createdBy?: string;
  readonly date?: boolean;
  readonly force?: boolean;
}

/** Exit status after Ctrl-C, as shells report a SIGINT death (128 + 2). */
const EXIT_INTERRUPTED = 130;

/** tsup defines CLI_VERSION at build time; tests run the source without that step. */
const VERSION = typeof CLI_VERSION === 'string' ? CLI_VERSION : '0.0.0-dev';

const TRACKER_SCHEMES = new Set(['http:', 'https:', 'udp:', 'ws:', 'wss:']);

export async function runCreate(target: string, options: CreateOptions, terminal: Terminal, signal?: AbortSignal): Promise<void> {
  const trackers = (options.tracker ?? []).map((tier) => tier.split(',').map((url) => checkedUrl(url.trim(), '--tracker', TRACKER_SCHEMES)));
  const webSeeds = (options.webSeed ?? []).map((url) => checkedUrl(url, '--web-seed', new Set(['http:', 'https:'])));
  const pieceLength = options.pieceSize === undefined ? undefined : checkedPieceSize(options.pieceSize);
  const name = options.name ?? path.basename(path.resolve(target));
  const output = options.output ?? `${name}.torrent`;
  if (isInside(path.resolve(target), path.resolve(output))) {
    // It would be hashed on the next run and then overwritten, leaving a torrent that does not match.
    throw new CliError(`${output} is inside the folder being shared; use -o to write it elsewhere`, EXIT_USAGE);
  }
  if (options.force !== true && (await exists(output))) {
    throw new CliError(`${output} already exists (add --force to overwrite it)`, EXIT_USAGE);
  }

  const progress = createHashProgress(terminal.progressStream);
  const created = await createTorrentFromPath(target, {
    name,
    trackers,
    webSeeds,
    private: options.private === true,
    createdBy: options.createdBy ?? `typetorrent ${VERSION}`,
    ...(pieceLength === undefined ? {} : { pieceLength }),
    ...(options.comment === undefined ? {} : { comment: options.comment }),
    ...(options.date === true ? { creationDate: new Date() } : {}),
    ...(signal === undefined ? {} : { signal }),
    onProgress: (hashed, total) => progress.update(hashed, total),
  }).catch((error: unknown) => {
    throw signal?.aborted === true ? new CliError('interrupted; no torrent written', EXIT_INTERRUPTED) : badInput(target, error);
  }).finally(() => progress.stop());

  try {
    await fs.writeFile(output, created.torrent, { flag: options.force === true ? 'w' : 'wx' });
  } catch (error) {
    throw badInput(output, error);
  }
  const meta = created.metainfo;
  for (const skipped of created.skipped) {
    terminal.err(`skipped ${printable(skipped.path)}: ${skipped.reason.replaceAll('-', ' ')}`);
  }
  const fileCount = meta.files.length;
  terminal.out(`created ${output}`);
  terminal.out(`name:       ${printable(meta.name)}`);
  terminal.out(`size:       ${formatBytes(meta.totalLength)} in ${groupDigits(fileCount)} file${fileCount === 1 ? '' : 's'}, ` +
    `${groupDigits(meta.pieceCount)} pieces of ${formatBytes(meta.pieceLength)}`);
  terminal.out(`info-hash:  ${meta.infoHashHex}`);
  terminal.out(`magnet:     ${formatMagnet(metainfoToMagnet(meta))}`);
}

function checkedUrl(text: string, option: string, schemes: ReadonlySet<string>): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || !schemes.has(url.protocol)) {
    throw new CliError(`${option}: ${JSON.stringify(text)} is not a ${[...schemes].map((s) => s.slice(0, -1)).join('/')} URL`, EXIT_USAGE);
  }
  return text;
}

function checkedPieceSize(text: string): number {
  const size = parseSize(text);
  // The same rule as the library (power of two, 16 KiB to 64 MiB), checked before any hashing.
  if (size === undefined || size < 16384 || size > 64 * 1024 * 1024 || !Number.isInteger(Math.log2(size))) {
    throw new CliError(`--piece-size: ${JSON.stringify(text)} is not a power of two from 16K to 64M (e.g. 256K, 1M)`, EXIT_USAGE);
  }
  return size;
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  // Outside means a leading '..' component; '..name.torrent' is a file inside the folder.
  const [first] = relative.split(path.sep);
  return relative !== '' && first !== '..' && !path.isAbsolute(relative);
}

async function exists(file: string): Promise<boolean> {
  return await fs.access(file).then(() => true, () => false);
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerCreate(program: Command): void {
  program
    .command('create')
    .description('create a .torrent (BitTorrent v1) from a file or folder, and print its info-hash and magnet link')
    .argument('<path>', 'the file or folder to share')
    .option('-o, --output <file>', 'where to write the .torrent (default: <name>.torrent in the current folder)')
    .option('-t, --tracker <url[,url...]>', 'add a tracker tier; repeat for backup tiers, commas for trackers of equal rank (BEP 12)', collect)
    .option('-w, --web-seed <url>', 'add a web seed (BEP 19); repeatable', collect)
    .option('-p, --private', 'mark the torrent private: peers from trackers only, no DHT or PEX (BEP 27)')
    .option('-s, --piece-size <size>', 'piece size, a power of two from 16K to 64M such as 256K or 1M (default: chosen for about 1000-2000 pieces)')
    .option('-c, --comment <text>', 'a comment stored in the torrent')
    .option('-n, --name <name>', 'the torrent name (default: the file or folder name)')
    .option('--created-by <text>', `the "created by" field (default: typetorrent ${VERSION})`)
    .option('--date', 'store the current time as the creation date (left out by default so output is reproducible)')
    .option('-f, --force', 'overwrite the output file if it exists')
    .addHelpText('after', [
      '',
      'Files are hashed in path order, streamed from disk (memory use stays small). Symbolic links are',
      'followed only when they point inside the folder; others are skipped and listed on stderr.',
      '',
      'Examples:',
      '  typetorrent create ./photos -t udp://tracker.example:6969 -t http://backup.example/announce',
      '  typetorrent create big.iso -s 4M -p -o big.torrent',
    ].join('\n'))
    .action(async (target: string, options: CreateOptions) => {
      const controller = new AbortController();
      const onInterrupt = (): void => controller.abort();
      process.once('SIGINT', onInterrupt);
      try {
        await runCreate(target, options, processTerminal(), controller.signal);
      } finally {
        process.off('SIGINT', onInterrupt);
      }
    });
}
