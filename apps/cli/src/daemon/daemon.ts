// `typetorrent daemon` as a module: one engine Session, the torrent registry restored from the
// state folder, and the HTTP server (API + web UI). startDaemon resolves once everything listens;
// close() stops the server, then the session (trackers told, resume data saved).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { Session, type SessionOptions } from '@typetorrent/engine';
import { apiRouter } from './api-routes.js';
import { loadOrCreateToken } from './api-token.js';
import { removeStaleTemporaries } from './atomic-file.js';
import { engineActiveLimit, loadDaemonState, type ActiveLimitSettings, type DaemonSettings } from './daemon-state.js';
import { EventStream } from './event-stream.js';
import { hostPolicy, isLoopbackHost, type ListenAddress } from './host-check.js';
import { DEFAULT_BODY_LIMIT } from './http-io.js';
import { createDaemonServer } from './http-server.js';
import { lockStateFolder } from './pid-lock.js';
import { TorrentRegistry, type TorrentDefaults } from './torrent-registry.js';
import { createFileStreamer } from './file-stream.js';
import { staticUi } from './ui/static-ui.js';

export interface DaemonOptions {
  /** Where the API and web UI listen (default 127.0.0.1:9091). */
  readonly listen: ListenAddress;
  /** Listening on a non-loopback address is refused without this. */
  readonly listenPublic?: boolean;
  /** More host names the API answers to (a reverse proxy's, a LAN name). */
  readonly allowHosts?: readonly string[];
  readonly stateDir: string;
  /** Overrides the saved download folder (and is saved). */
  readonly downloadDir?: string;
  /** Peer port (0: any free one). */
  readonly port: number;
  /** Address peers connect to (default all IPv4 addresses). */
  readonly peerHost?: string;
  readonly limitDown?: number;
  readonly limitUp?: number;
  /** Where peers come from and how they are reached (peer-source-options.ts builds it from the flags). */
  readonly peerSources?: Pick<SessionOptions, 'dht' | 'lsd' | 'pex' | 'encryption' | 'utp'>;
  /** Torrents downloading / seeding at once (engine defaults 5 / unlimited; remembered); the rest are `queued`. */
  readonly activeLimits?: Pick<SessionOptions, 'maxActiveDownloads' | 'maxActiveSeeds'>;
  readonly hashThreads?: number;
  /** Connections per torrent, and fsync before done (`download --max-peers`, `--fsync`). */
  readonly torrentDefaults?: TorrentDefaults;
  readonly bodyLimit?: number;
  /** Lines for the operator (stderr in the CLI). */
  readonly log?: (line: string) => void;
}

export interface RunningDaemon {
  /** http://host:port of the API and UI. */
  readonly url: string;
  /** The UI's address with the token in the fragment (never sent to a server by browsers). */
  readonly uiUrl: string;
  readonly token: string;
  readonly tokenCreated: boolean;
  readonly registry: TorrentRegistry;
  readonly server: http.Server;
  close(): Promise<void>;
}

export class DaemonSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DaemonSetupError';
  }
}

export function defaultDownloadDir(): string {
  return path.join(os.homedir(), 'Downloads');
}

export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const log = options.log ?? ((): void => undefined);
  if (!isLoopbackHost(options.listen.host) && options.listenPublic !== true) {
    throw new DaemonSetupError(`--listen ${options.listen.host}: not a loopback address; anyone who can reach it could try the token: add --listen-public if you mean it`);
  }
  const stateDir = path.resolve(options.stateDir);
  await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
  await fs.mkdir(path.join(stateDir, 'torrents'), { recursive: true });
  await removeStaleTemporaries(stateDir);
  await removeStaleTemporaries(path.join(stateDir, 'torrents'));
  const unlock = await lockStateFolder(stateDir);
  let session: Session | undefined;
  try {
    const { token, created } = await loadOrCreateToken(stateDir);
    const defaults: DaemonSettings = { downloadDir: path.resolve(options.downloadDir ?? defaultDownloadDir()), limits: { download: 0, upload: 0 } };
    const saved = await loadDaemonState(stateDir, defaults);
    const settings: DaemonSettings = {
      downloadDir: options.downloadDir === undefined ? saved.settings.downloadDir : path.resolve(options.downloadDir),
      limits: { download: options.limitDown ?? saved.settings.limits.download, upload: options.limitUp ?? saved.settings.limits.upload },
      ...activeSettings(saved.settings.activeLimits, options.activeLimits),
    };
    session = new Session({
      port: options.port,
      ...(options.peerHost === undefined ? {} : { host: options.peerHost }),
      rateLimits: settings.limits,
      ...options.peerSources,
      ...activeSessionOptions(settings.activeLimits),
      ...(options.hashThreads === undefined ? {} : { hashThreads: options.hashThreads }),
    });
    session.on('warning', (warning) => log(`warning: ${warning.message}`));
    const peerPort = await session.listen();
    const registry = new TorrentRegistry(session, stateDir, settings, options.torrentDefaults);
    registry.on('warning', (message) => log(`warning: ${message}`));
    await registry.restore(saved.torrents);
    const events = new EventStream(registry);
    const streamFile = createFileStreamer(registry);
    const server = createDaemonServer({
      router: apiRouter({ registry, events, token, streamFile }),
      token,
      hosts: hostPolicy(options.listen, options.allowHosts),
      bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      staticFiles: staticUi(),
      onInternalError: (error) => log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    });
    const address = await new Promise<{ port: number }>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.listen.port, options.listen.host, () => resolve(server.address() as { port: number }));
    }).catch((error: NodeJS.ErrnoException) => {
      throw new DaemonSetupError(`--listen ${options.listen.host}:${options.listen.port}: ${error.code === 'EADDRINUSE' ? 'the port is in use (another daemon?)' : error.message}`);
    });
    // A wildcard address is no place to open: this machine reaches it on loopback.
    const host = options.listen.host === '0.0.0.0' ? '127.0.0.1' : options.listen.host === '::' ? '::1' : options.listen.host;
    const hostText = host.includes(':') ? `[${host}]` : host;
    const url = `http://${hostText}:${address.port}`;
    log(`peers: port ${peerPort}; torrents: ${registry.entries().length}; state: ${stateDir}; downloads: ${settings.downloadDir}`);
    let closing: Promise<void> | undefined;
    const runningSession = session;
    return {
      url,
      uiUrl: `${url}/#token=${token}`,
      token,
      tokenCreated: created,
      registry,
      server,
      close: async () => {
        closing ??= (async () => {
          events.close();
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          registry.detachAll();
          await runningSession.close();
          await unlock();
        })();
        await closing;
      },
    };
  } catch (error) {
    await session?.close().catch(() => undefined);
    await unlock();
    throw error;
  }
}

/** The saved active limits with the flags given this time on top (a flag is remembered, as --limit-down is). */
function activeSettings(saved: ActiveLimitSettings | undefined, flags: DaemonOptions['activeLimits']): { activeLimits?: ActiveLimitSettings } {
  const pick = (flag: number | undefined, kept: number | null | undefined): number | null | undefined => (flag === undefined ? kept : Number.isFinite(flag) ? flag : null);
  const downloads = pick(flags?.maxActiveDownloads, saved?.downloads);
  const seeds = pick(flags?.maxActiveSeeds, saved?.seeds);
  if (downloads === undefined && seeds === undefined) return {};
  return { activeLimits: { ...(downloads === undefined ? {} : { downloads }), ...(seeds === undefined ? {} : { seeds }) } };
}

function activeSessionOptions(limits: ActiveLimitSettings | undefined): Pick<SessionOptions, 'maxActiveDownloads' | 'maxActiveSeeds'> {
  const downloads = engineActiveLimit(limits?.downloads);
  const seeds = engineActiveLimit(limits?.seeds);
  return { ...(downloads === undefined ? {} : { maxActiveDownloads: downloads }), ...(seeds === undefined ? {} : { maxActiveSeeds: seeds }) };
}
