// `typetorrent add | list | pause | resume | remove`: scripts' access to a running daemon, through
// its API (src/daemon/client-connection.ts says how the daemon and its token are found).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT_BAD_INPUT, EXIT_OK } from '../errors.js';
import { formatBytes } from '../format/size.js';
import { jsonText, printable } from '../format/terminal-text.js';
import { parseFileSelection } from '../options.js';
import { processTerminal, type Terminal } from '../terminal.js';
import { fetchTorrentBytes, isHttpUrl } from '../torrent-url.js';
import { call, connectToDaemon, type ConnectionOptions } from '../daemon/client-connection.js';
import type { DaemonClient } from '../daemon/api-client.js';
import type { TorrentSummary } from '../daemon/views.js';

/** The daemon refuses bodies over 16 MiB; base64 grows a file by a third. */
const MAX_TORRENT_FILE = 12 * 1024 * 1024;

interface ClientOptions extends ConnectionOptions {
  readonly json?: boolean;
}

interface AddOptions extends ClientOptions {
  readonly paused?: boolean;
  readonly downloadDir?: string;
  readonly files?: number[];
  readonly sequential?: boolean;
}

async function addBody(source: string, options: AddOptions): Promise<object> {
  const common = {
    ...(options.paused === true ? { paused: true } : {}),
    ...(options.sequential === true ? { sequential: true } : {}),
    ...(options.downloadDir === undefined ? {} : { downloadDir: path.resolve(options.downloadDir) }),
    ...(options.files === undefined ? {} : { files: options.files }),
  };
  if (/^magnet:/i.test(source)) return { magnet: source, ...common };
  let bytes: Uint8Array;
  if (isHttpUrl(source)) bytes = await fetchTorrentBytes(source);
  else {
    const stat = await fs.stat(source).catch(() => undefined);
    if (stat === undefined || !stat.isFile()) throw new CliError(`${source}: no such file`, EXIT_BAD_INPUT);
    if (stat.size > MAX_TORRENT_FILE) throw new CliError(`${source}: larger than ${formatBytes(MAX_TORRENT_FILE)}`, EXIT_BAD_INPUT);
    bytes = await fs.readFile(source);
  }
  return { torrent: Buffer.from(bytes).toString('base64'), ...common };
}

export async function runAdd(sources: readonly string[], options: AddOptions, terminal: Terminal): Promise<number> {
  const client = await connectToDaemon(options);
  for (const source of sources) {
    const added = await call<{ infoHash: string; torrent: TorrentSummary }>(client, 'POST', '/api/v1/torrents', await addBody(source, options));
    terminal.out(options.json === true ? jsonText({ type: 'added', infoHash: added.infoHash, name: added.torrent.name }) : `${added.infoHash}  ${printable(added.torrent.name)}`);
  }
  return EXIT_OK;
}

function listLine(t: TorrentSummary): string {
  const percent = `${(t.progress * 100).toFixed(1)}%`.padStart(6);
  return `${t.infoHash.slice(0, 8)}  ${t.state.padEnd(17)} ${percent}  ↓ ${formatBytes(t.downloadRate)}/s  ↑ ${formatBytes(t.uploadRate)}/s  ${t.peers} peers  ${printable(t.name)}`;
}

export async function runList(options: ClientOptions, terminal: Terminal): Promise<number> {
  const client = await connectToDaemon(options);
  const { torrents } = await call<{ torrents: TorrentSummary[] }>(client, 'GET', '/api/v1/torrents');
  if (options.json === true) terminal.out(jsonText({ torrents }));
  else if (torrents.length === 0) terminal.err('no torrents');
  else for (const t of torrents) terminal.out(listLine(t));
  return EXIT_OK;
}

/** Full info-hashes for the arguments: 40 hex digits, a unique prefix of 4 or more, or `all`. */
async function resolveHashes(client: DaemonClient, ids: readonly string[]): Promise<string[]> {
  const { torrents } = await call<{ torrents: TorrentSummary[] }>(client, 'GET', '/api/v1/torrents');
  if (ids.length === 1 && ids[0] === 'all') return torrents.map((t) => t.infoHash);
  return ids.map((id) => {
    const prefix = id.toLowerCase();
    if (!/^[0-9a-f]{4,40}$/.test(prefix)) throw new CliError(`${id}: expected an info-hash (or its first 4+ hex digits) or all`, EXIT_BAD_INPUT);
    const found = torrents.filter((t) => t.infoHash.startsWith(prefix));
    if (found.length === 0) throw new CliError(`${id}: no such torrent in the daemon`, EXIT_BAD_INPUT);
    if (found.length > 1) throw new CliError(`${id}: matches ${found.length} torrents; give more digits`, EXIT_BAD_INPUT);
    return found[0]!.infoHash;
  });
}

export async function runAction(action: 'pause' | 'resume' | 'remove', ids: readonly string[], options: ClientOptions & { deleteData?: boolean }, terminal: Terminal): Promise<number> {
  const client = await connectToDaemon(options);
  for (const hash of await resolveHashes(client, ids)) {
    if (action === 'remove') await call(client, 'DELETE', `/api/v1/torrents/${hash}${options.deleteData === true ? '?deleteData=true' : ''}`);
    else await call(client, 'POST', `/api/v1/torrents/${hash}/${action}`);
    const done = action === 'remove' ? 'removed' : action === 'pause' ? 'paused' : 'resumed';
    terminal.out(options.json === true ? jsonText({ type: done, infoHash: hash }) : `${done} ${hash}`);
  }
  return EXIT_OK;
}

function connectionOptions(command: Command): Command {
  return command
    .option('--daemon <url>', 'the daemon (default $TYPETORRENT_DAEMON or http://127.0.0.1:9091)')
    .option('--state-dir <dir>', 'the daemon\'s state folder, for its api-token (or set TYPETORRENT_TOKEN)')
    .option('--json', 'print lines of JSON');
}

export function registerDaemonClient(program: Command): void {
  const run = (work: () => Promise<number>) => async (): Promise<void> => {
    process.exitCode = await work();
  };
  connectionOptions(program.command('add').description('add torrents to a running daemon').argument('<torrent...>', '.torrent files, http(s) URLs of them, or magnet links'))
    .option('--paused', 'add without starting')
    .option('--download-dir <dir>', 'save here instead of the daemon\'s download folder')
    .option('--files <list>', 'download only these files (indices as `typetorrent info` shows them): 0,2,5-7', parseFileSelection)
    .option('--sequential', 'download pieces in order')
    .action(async (sources: string[], options: AddOptions) => await run(async () => await runAdd(sources, options, processTerminal()))());
  connectionOptions(program.command('list').description('list the torrents of a running daemon')).action(async (options: ClientOptions) => await run(async () => await runList(options, processTerminal()))());
  for (const action of ['pause', 'resume'] as const) {
    connectionOptions(program.command(action).description(`${action} torrents in a running daemon`).argument('<info-hash...>', 'info-hashes (or their first 4+ hex digits), or all'))
      .action(async (ids: string[], options: ClientOptions) => await run(async () => await runAction(action, ids, options, processTerminal()))());
  }
  connectionOptions(program.command('remove').description('remove torrents from a running daemon').argument('<info-hash...>', 'info-hashes (or their first 4+ hex digits), or all'))
    .option('--delete-data', 'delete the downloaded files too')
    .action(async (ids: string[], options: ClientOptions & { deleteData?: boolean }) => await run(async () => await runAction('remove', ids, options, processTerminal()))());
}
