// `typetorrent daemon`: one long-running session controlled over an authenticated HTTP API and a web
// UI (src/daemon/). Prints the UI's address with the token in its fragment, runs until SIGINT or
// SIGTERM, then stops every torrent gracefully (resume data saved).
import { InvalidArgumentError, type Command } from 'commander';
import type { EncryptionPolicy } from '@typetorrent/engine';
import { CliError, EXIT_OK, EXIT_USAGE } from '../errors.js';
import { interruptSignal, STOP_TIMEOUT_MS } from '../engine/run-transfers.js';
import { addPeerSourceOptions, peerSourceSessionOptions } from '../peer-source-options.js';
import { addQueueOptions, queueSessionOptions, type QueueCliOptions } from '../queue-options.js';
import { jsonText, printable } from '../format/terminal-text.js';
import { collect, parsePort, parsePositiveInt, parseRate, parseThreads } from '../options.js';
import { defaultStateDir } from '../state-dir.js';
import { processTerminal, type Terminal } from '../terminal.js';
import { DaemonSetupError, startDaemon } from '../daemon/daemon.js';
import { StateFileError } from '../daemon/daemon-state.js';
import { StateFolderBusyError } from '../daemon/pid-lock.js';
import { isLoopbackHost, parseListenAddress, type ListenAddress } from '../daemon/host-check.js';

export const DEFAULT_LISTEN = '127.0.0.1:9091';

export interface DaemonCommandOptions extends QueueCliOptions {
  /** Default DEFAULT_LISTEN. */
  readonly listen?: ListenAddress;
  readonly listenPublic?: boolean;
  readonly allowHost?: string[];
  readonly stateDir?: string;
  readonly downloadDir?: string;
  readonly port: number;
  readonly limitDown?: number;
  readonly limitUp?: number;
  readonly encryption: EncryptionPolicy;
  readonly hashThreads?: number;
  readonly maxPeers?: number;
  readonly fsync?: boolean;
  readonly dht: boolean;
  readonly lsd: boolean;
  readonly pex: boolean;
  readonly utp: boolean;
  readonly dhtBootstrap?: { host: string; port: number }[];
  readonly json?: boolean;
}

export function parseListen(text: string): ListenAddress {
  const address = parseListenAddress(text);
  if (address === undefined) throw new InvalidArgumentError('expected host:port, [v6]:port or a port, like 127.0.0.1:9091');
  return address;
}

export async function runDaemon(options: DaemonCommandOptions, terminal: Terminal, signal: AbortSignal): Promise<number> {
  const stateDir = options.stateDir ?? defaultStateDir();
  const peerSources = peerSourceSessionOptions({
    dht: options.dht,
    ...(options.dhtBootstrap === undefined ? {} : { dhtBootstrap: options.dhtBootstrap }),
    announce: true,
    stateDir,
    lsd: options.lsd,
    pex: options.pex,
    encryption: options.encryption,
    utp: options.utp,
  });
  const log = (line: string): void => (options.json === true ? terminal.out(jsonText({ type: 'log', message: line })) : terminal.err(printable(line)));
  const listen = options.listen ?? parseListen(DEFAULT_LISTEN);
  let daemon;
  try {
    daemon = await startDaemon({
      listen,
      listenPublic: options.listenPublic === true,
      allowHosts: options.allowHost ?? [],
      stateDir,
      ...(options.downloadDir === undefined ? {} : { downloadDir: options.downloadDir }),
      port: options.port,
      ...(options.limitDown === undefined ? {} : { limitDown: options.limitDown }),
      ...(options.limitUp === undefined ? {} : { limitUp: options.limitUp }),
      peerSources,
      activeLimits: queueSessionOptions(options),
      ...(options.hashThreads === undefined ? {} : { hashThreads: options.hashThreads }),
      torrentDefaults: { ...(options.maxPeers === undefined ? {} : { maxPeers: options.maxPeers }), ...(options.fsync === true ? { durable: true } : {}) },
      log,
    });
  } catch (error) {
    if (error instanceof DaemonSetupError) throw new CliError(error.message, EXIT_USAGE);
    if (error instanceof StateFileError || error instanceof StateFolderBusyError) throw new CliError(error.message);
    throw error;
  }
  if (!isLoopbackHost(listen.host)) {
    log(`warning: listening on ${listen.host}, not only on this machine: anyone who reaches it can try the token; use HTTPS in front of it (a reverse proxy) on any network you do not trust`);
  }
  if (options.json === true) terminal.out(jsonText({ type: 'listening', url: daemon.url, ui: daemon.uiUrl, tokenFile: `${stateDir}/api-token` }));
  else {
    terminal.out(daemon.uiUrl);
    terminal.err(`web UI and API at ${daemon.url} (token ${daemon.tokenCreated ? 'created' : 'kept'} in ${printable(stateDir)}/api-token); Ctrl-C stops`);
  }
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (options.json !== true) terminal.err('stopping: telling trackers and saving resume data ...');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([daemon.close(), new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS).unref()))]);
  clearTimeout(timer);
  return EXIT_OK;
}

export function registerDaemon(program: Command): void {
  addQueueOptions(addPeerSourceOptions(program.command('daemon')))
    .description('keep a session running, controlled through an HTTP API and a web UI')
    .option('--listen <host:port>', `address of the API and web UI (default ${DEFAULT_LISTEN})`, parseListen)
    .option('--listen-public', 'allow --listen on an address other machines can reach (prints a warning)')
    .option('--allow-host <name>', 'a Host name the API answers to besides the listen address and localhost (repeatable)', collect((t: string) => t))
    .option('--state-dir <dir>', 'torrent list, settings, resume data and the API token (default $XDG_STATE_HOME/typetorrent or ~/.local/state/typetorrent)')
    .option('--download-dir <dir>', 'where torrents are saved unless added with a downloadDir (default ~/Downloads; remembered)')
    .option('-p, --port <n>', 'TCP port for incoming peers (0: any free port)', parsePort, 6881)
    .option('--limit-down <rate>', 'download limit for the whole session, e.g. 2M (bytes/s; 0 unlimited; remembered)', parseRate)
    .option('--limit-up <rate>', 'upload limit for the whole session, e.g. 500K (remembered)', parseRate)
    .option('--max-peers <n>', 'connections per torrent (default 50)', parsePositiveInt)
    .option('--fsync', 'fsync each torrent\'s data before it counts as done, and when it stops')
    .option('--hash-threads <n>', 'threads hashing pieces (default 1; 0: hash on the main thread)', parseThreads)
    .option('--json', 'print lines of JSON on stdout (types: listening, log)')
    .addHelpText('after', [
      '',
      'The first start writes a random API token to STATE/api-token (mode 0600). Every /api/v1 request',
      'needs `Authorization: Bearer <token>`; the printed address opens the web UI with the token.',
      'The torrent list and settings are saved in the state folder after every change, so a restart,',
      'even after kill -9, brings every torrent back as it was. API: apps/cli/docs/daemon-api.yaml.',
      '',
      'Examples:',
      '  typetorrent daemon --download-dir ~/Downloads',
      '  curl -H "Authorization: Bearer $(cat ~/.local/state/typetorrent/api-token)" http://127.0.0.1:9091/api/v1/torrents',
    ].join('\n'))
    .action(async (options: DaemonCommandOptions) => {
      const interrupt = interruptSignal();
      try {
        process.exitCode = await runDaemon(options, processTerminal(), interrupt.signal);
      } finally {
        interrupt.dispose();
      }
    });
}
