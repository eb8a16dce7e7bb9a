// `typetorrent download <torrent>...`: downloads one or several torrents at once in one session,
// resumes where it left off, shows live progress and exits 0 when done (or keeps seeding with --seed).
import type { Command } from 'commander';
import { Session } from '@typetorrent/engine';
import type { EncryptionPolicy, Torrent } from '@typetorrent/engine';
import type { MagnetLink, Metainfo } from '@typetorrent/metainfo';
import { CliError, EXIT_BAD_INPUT } from '../errors.js';
import { interruptSignal, runTransfers } from '../engine/run-transfers.js';
import { jsonText, printable } from '../format/terminal-text.js';
import { collect, parseEndpoint, parseFileSelection, parsePort, parsePositiveInt, parseRate, parseThreads } from '../options.js';
import { dhtFindsPeers } from '../dht-options.js';
import { lsdFindsPeers } from '../lsd-options.js';
import { addPeerSourceOptions, peerSourceSessionOptions } from '../peer-source-options.js';
import { addQueueOptions, queueSessionOptions, type QueueCliOptions } from '../queue-options.js';
import { processTerminal } from '../terminal.js';
import type { Terminal } from '../terminal.js';
import { loadTorrentInput } from '../torrent-input.js';
import { listenOrExplain, noPeerSources, prepareOutputFolder, whenChecked } from './transfer-checks.js';

export interface DownloadOptions extends QueueCliOptions {
  readonly output: string;
  readonly seed: boolean;
  readonly port: number;
  readonly maxPeers?: number;
  readonly limitDown?: number;
  readonly limitUp?: number;
  readonly files?: number[];
  readonly sequential?: boolean;
  readonly json?: boolean;
  readonly peer?: { host: string; port: number }[];
  readonly announce: boolean;
  readonly fullCheck?: boolean;
  readonly fsync?: boolean;
  readonly hashThreads?: number;
  readonly dht: boolean;
  readonly lsd: boolean;
  readonly pex: boolean;
  readonly dhtBootstrap?: { host: string; port: number }[];
  readonly stateDir?: string;
  readonly encryption?: EncryptionPolicy;
  /** uTP beside TCP (default on; --no-utp). */
  readonly utp?: boolean;
}

/** Reads every .torrent argument first, so a bad one fails before anything starts. */
export async function loadTorrents(sources: readonly string[]): Promise<Metainfo[]> {
  const out: Metainfo[] = [];
  for (const source of sources) {
    const input = await loadTorrentInput(source);
    if (input.kind === 'magnet') throw new CliError(`${source.slice(0, 60)}: a magnet link is not a .torrent file`, EXIT_BAD_INPUT);
    out.push(input.metainfo);
  }
  return out;
}

/** .torrent files and magnet links (BEP 9: the engine fetches the metadata from peers first). */
export async function loadSources(sources: readonly string[]): Promise<(Metainfo | MagnetLink)[]> {
  const out: (Metainfo | MagnetLink)[] = [];
  for (const source of sources) {
    const input = await loadTorrentInput(source);
    out.push(input.kind === 'magnet' ? input.magnet : input.metainfo);
  }
  return out;
}

/**
 * Session-level warnings (a peer refused under --encryption require): one line each, escaped, on
 * stderr, or a JSON `warning` line.
 */
export function reportSessionWarnings(session: Session, terminal: Terminal, json: boolean): void {
  session.on('warning', (warning) => {
    if (json) terminal.out(jsonText({ type: 'warning', message: warning.message }));
    else terminal.err(`warning: ${printable(warning.message)}`);
  });
}

function isMetainfo(source: Metainfo | MagnetLink): source is Metainfo {
  return 'pieceLength' in source;
}

export function checkFileSelection(metainfo: Metainfo, files: readonly number[] | undefined): void {
  if (files === undefined) return;
  const bad = files.find((i) => i >= metainfo.files.length);
  if (bad !== undefined) {
    throw new CliError(`--files: ${metainfo.name} has ${metainfo.files.length} files (0 to ${metainfo.files.length - 1}); ${bad} is not one of them`, EXIT_BAD_INPUT);
  }
}

export async function runDownload(sources: readonly string[], options: DownloadOptions, terminal: Terminal, signal: AbortSignal): Promise<number> {
  const metainfos = await loadSources(sources);
  if (options.files !== undefined && metainfos.length > 1) {
    throw new CliError('--files selects files of one torrent; give a single torrent with it', EXIT_BAD_INPUT);
  }
  const peerSources = peerSourceSessionOptions(options);
  const { dht, lsd } = peerSources;
  const peerless = new Map<Metainfo | MagnetLink, CliError>();
  for (const m of metainfos) {
    const problem = noPeerSources(m, { announce: options.announce, manualPeers: options.peer?.length ?? 0, dht: dhtFindsPeers(m, dht), lsd: lsdFindsPeers(m, lsd) });
    if (problem !== undefined) peerless.set(m, problem);
    if (!isMetainfo(m)) {
      if (options.files !== undefined) throw new CliError('--files needs the file list: give the .torrent file, not a magnet link', EXIT_BAD_INPUT);
      // A magnet's metadata can only come from peers.
      if (problem !== undefined) throw problem;
      continue;
    }
    checkFileSelection(m, options.files);
  }
  const savePath = await prepareOutputFolder(options.output);
  const session = new Session({
    port: options.port,
    rateLimits: { download: options.limitDown ?? 0, upload: options.limitUp ?? 0 },
    ...(options.hashThreads === undefined ? {} : { hashThreads: options.hashThreads }),
    ...peerSources,
    ...queueSessionOptions(options),
  });
  reportSessionWarnings(session, terminal, options.json === true);
  let torrents: Torrent[];
  try {
    const port = await listenOrExplain(session, options.port);
    if (options.json !== true) terminal.err(`listening for peers on port ${port}; saving to ${printable(savePath)}`);
    torrents = [];
    for (const metainfo of metainfos) {
      const torrent = await session.add(metainfo, {
        savePath,
        seed: options.seed,
        ...(options.maxPeers === undefined ? {} : { maxPeers: options.maxPeers }),
        ...(options.sequential === true ? { sequential: true } : {}),
        ...(options.files === undefined ? {} : { selectedFiles: options.files }),
        ...(options.peer === undefined ? {} : { peers: options.peer }),
        ...(options.fullCheck === true ? { fullCheck: true } : {}),
        ...(options.fsync === true ? { durable: true } : {}),
        announce: options.announce,
      });
      torrents.push(torrent);
      // With nowhere to find peers, only data already complete on disk (a rerun) can finish.
      const problem = peerless.get(metainfo);
      if (problem !== undefined) {
        await whenChecked(torrent);
        if (!torrent.done) throw problem;
      }
    }
  } catch (error) {
    await session.close();
    throw error;
  }
  return await runTransfers(session, torrents, { terminal, json: options.json === true, keepSeeding: options.seed, dht: dht !== undefined, signal });
}

export function registerDownload(program: Command): void {
  addQueueOptions(addPeerSourceOptions(program.command('download')))
    .description('download one or more torrents at once, resuming where a previous run left off')
    .argument('<torrent...>', '.torrent files, http(s) URLs of .torrent files, or magnet links (quote them: they contain &)')
    .option('-o, --output <dir>', 'folder to save into (a multi-file torrent gets a folder of its own inside)', '.')
    .option('--seed', 'keep seeding after the download is done, until Ctrl-C')
    .option('--no-seed', 'exit once every torrent is done (the default)')
    .option('-p, --port <n>', 'TCP port for incoming peers (0: any free port)', parsePort, 6881)
    .option('--max-peers <n>', 'connections per torrent (default 50)', parsePositiveInt)
    .option('--limit-down <rate>', 'download limit for the whole session, e.g. 2M (bytes/s, binary units; 0 unlimited)', parseRate)
    .option('--limit-up <rate>', 'upload limit for the whole session, e.g. 500K', parseRate)
    .option('--files <list>', 'download only these files, by the [N] index `typetorrent info` shows beside each: 0,2,5-7', parseFileSelection)
    .option('--sequential', 'download pieces in order (for watching while downloading) instead of rarest first')
    .option('--peer <host:port>', 'connect to this peer too (repeatable)', collect(parseEndpoint))
    .option('--no-announce', 'do not contact trackers (use with --peer)')
    .option('--full-check', 'ignore resume data and hash every piece already on disk')
    .option('--fsync', 'fsync the data before reporting done (default: left to the OS, fsynced every 15 s while seeding; resume data trusts unsynced pieces only until a reboot)')
    .option('--hash-threads <n>', 'threads hashing pieces (default 1; 0: hash on the main thread)', parseThreads)
    .option('--state-dir <dir>', 'where the DHT routing table is kept (default $XDG_STATE_HOME/typetorrent or ~/.local/state/typetorrent)')
    .option('--json', 'print progress as lines of JSON on stdout (types: progress, warning, error, done)')
    .addHelpText('after', [
      '',
      'Progress shows percent, rates, peers, ETA and ratio per torrent. Ctrl-C stops gracefully (trackers',
      'are told, resume data is saved); running the same command again resumes. Exit codes: 0 done,',
      '1 a torrent failed, 2 usage, 3 bad torrent, 130 interrupted.',
      '',
      'Examples:',
      '  typetorrent download debian.torrent -o ~/Downloads',
      '  typetorrent download a.torrent b.torrent --limit-down 5M --seed',
      '  typetorrent download big.torrent --files 0,3 --sequential',
      "  typetorrent download 'magnet:?xt=urn:btih:...&tr=...'   (metadata is fetched from peers first)",
    ].join('\n'))
    .action(async (sources: string[], options: DownloadOptions) => {
      const interrupt = interruptSignal();
      try {
        process.exitCode = await runDownload(sources, { ...options, seed: options.seed === true }, processTerminal(), interrupt.signal);
      } finally {
        interrupt.dispose();
      }
    });
}
