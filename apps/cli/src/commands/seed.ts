// `typetorrent seed <torrent> <path>`: checks the data at PATH against the torrent and seeds it.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { Session } from '@typetorrent/engine';
import type { EncryptionPolicy } from '@typetorrent/engine';
import type { Metainfo } from '@typetorrent/metainfo';
import { CliError, EXIT_BAD_INPUT } from '../errors.js';
import { interruptSignal, runTransfers } from '../engine/run-transfers.js';
import { jsonText, printable } from '../format/terminal-text.js';
import { collect, parseEndpoint, parsePort, parsePositiveInt, parseRate } from '../options.js';
import { addPeerSourceOptions, peerSourceSessionOptions } from '../peer-source-options.js';
import { defaultStateDir, resumeDirIn } from '../state-dir.js';
import { processTerminal } from '../terminal.js';
import type { Terminal } from '../terminal.js';
import { loadTorrents, reportSessionWarnings } from './download.js';
import { listenOrExplain, whenChecked } from './transfer-checks.js';

export interface SeedOptions {
  readonly port: number;
  readonly maxPeers?: number;
  readonly limitUp?: number;
  readonly json?: boolean;
  readonly peer?: { host: string; port: number }[];
  readonly announce: boolean;
  readonly fullCheck?: boolean;
  readonly stateDir?: string;
  readonly dht: boolean;
  readonly lsd: boolean;
  readonly pex: boolean;
  readonly dhtBootstrap?: { host: string; port: number }[];
  readonly encryption?: EncryptionPolicy;
  /** uTP beside TCP (default on; --no-utp). */
  readonly utp?: boolean;
}

/**
 * The folder the engine saves under, from the path a user gives: the torrent's content itself (the
 * file, or the torrent's folder — what `create` was given) or the folder that holds it.
 */
export async function savePathFor(metainfo: Metainfo, dataPath: string): Promise<string> {
  const resolved = path.resolve(dataPath);
  const stat = await fs.stat(resolved).catch(() => undefined);
  if (stat === undefined) throw new CliError(`${dataPath}: no such file or folder`, EXIT_BAD_INPUT);
  const contentIsFile = !metainfo.isMultiFile;
  if (stat.isFile() === contentIsFile && path.basename(resolved) === metainfo.name) return path.dirname(resolved);
  if (stat.isDirectory()) {
    const inside = await fs.stat(path.join(resolved, metainfo.name)).catch(() => undefined);
    if (inside !== undefined && inside.isFile() === contentIsFile) return resolved;
  }
  throw new CliError(
    `${dataPath}: expected the torrent's ${contentIsFile ? 'file' : 'folder'} "${metainfo.name}" or a folder holding it`,
    EXIT_BAD_INPUT,
  );
}

export async function runSeed(source: string, dataPath: string, options: SeedOptions, terminal: Terminal, signal: AbortSignal): Promise<number> {
  const [metainfo] = await loadTorrents([source]);
  if (metainfo === undefined) throw new CliError('no torrent given', EXIT_BAD_INPUT);
  const savePath = await savePathFor(metainfo, dataPath);
  const sources = peerSourceSessionOptions(options);
  const session = new Session({ port: options.port, rateLimits: { upload: options.limitUp ?? 0 }, ...sources });
  reportSessionWarnings(session, terminal, options.json === true);
  try {
    const port = await listenOrExplain(session, options.port);
    if (options.json === true) terminal.out(jsonText({ type: 'listening', port }));
    else terminal.err(`checking ${printable(metainfo.name)}, then seeding on port ${port}`);
    const torrent = await session.add(metainfo, {
      savePath,
      // The resume record goes to our state folder, not into the user's data folder.
      resumeDirectory: resumeDirIn(options.stateDir ?? defaultStateDir()),
      seed: true,
      ...(options.maxPeers === undefined ? {} : { maxPeers: options.maxPeers }),
      ...(options.peer === undefined ? {} : { peers: options.peer }),
      ...(options.fullCheck === true ? { fullCheck: true } : {}),
      announce: options.announce,
    });
    // A seed whose data is incomplete would silently become a download: say so and stop instead.
    await whenChecked(torrent);
    if (!torrent.done) {
      const p = torrent.progress();
      throw new CliError(
        `${dataPath}: the data does not match the torrent (${p.verifiedPieces} of ${p.pieceCount} pieces verified); nothing to seed`,
        EXIT_BAD_INPUT,
      );
    }
    if (options.json === true) terminal.out(jsonText({ type: 'seeding', infoHash: torrent.infoHashHex, port }));
    return await runTransfers(session, [torrent], { terminal, json: options.json === true, keepSeeding: true, reportDoneAtStart: false, dht: sources.dht !== undefined, signal });
  } catch (error) {
    await session.close();
    throw error;
  }
}

export function registerSeed(program: Command): void {
  addPeerSourceOptions(program.command('seed'))
    .description('check existing data against a torrent and seed it')
    .argument('<torrent>', 'the .torrent file')
    .argument('<path>', "the torrent's file or folder (or the folder that holds it)")
    .option('-p, --port <n>', 'TCP port for incoming peers (0: any free port)', parsePort, 6881)
    .option('--max-peers <n>', 'connections (default 50)', parsePositiveInt)
    .option('--limit-up <rate>', 'upload limit, e.g. 500K (bytes/s; 0 unlimited)', parseRate)
    .option('--peer <host:port>', 'connect to this peer too (repeatable)', collect(parseEndpoint))
    .option('--no-announce', 'do not contact trackers')
    .option('--full-check', 'ignore resume data and hash every piece')
    .option('--state-dir <dir>', 'where resume data and the DHT routing table are kept (default $XDG_STATE_HOME/typetorrent or ~/.local/state/typetorrent)')
    .option('--json', 'print progress as lines of JSON on stdout')
    .addHelpText('after', ['', 'Examples:', '  typetorrent seed movie.torrent ~/Videos/movie.mkv', '  typetorrent seed album.torrent ~/Music   (holds the album folder)'].join('\n'))
    .action(async (source: string, dataPath: string, options: SeedOptions) => {
      const interrupt = interruptSignal();
      try {
        process.exitCode = await runSeed(source, dataPath, options, processTerminal(), interrupt.signal);
      } finally {
        interrupt.dispose();
      }
    });
}
