// python3-libtorrent on loopback, driven through packages/testkit/python/lt_peer.py: make a test
// torrent, run a seeder (data checked first) or a leecher (with progress events). The child talks
// JSON lines on stdout and exits cleanly when its stdin closes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SYSTEM_PYTHON } from './external.js';

/** The python script (beside src/ and dist/, so both resolve it the same way). */
export const LT_PEER_SCRIPT = fileURLToPath(new URL('../python/lt_peer.py', import.meta.url));

export type LibtorrentEvent =
  | { event: 'torrent'; infoHash: string; pieces: number; pieceSize: number; metadataSize: number; totalSize: number }
  | { event: 'listening'; port: number }
  | { event: 'seeding'; port: number }
  | { event: 'progress'; progress: number; downloadRate: number; uploadRate: number; peers: number; state: string }
  | { event: 'finished'; totalDownload: number }
  | { event: 'stopped' }
  | { event: 'error'; message: string };

export interface LibtorrentPeerOptions {
  torrentPath: string;
  /** Folder holding (seed) or receiving (leech) the torrent's files. */
  savePath: string;
  /** true: check the data, fail if incomplete, then serve it. false: download from `peers`. */
  seed: boolean;
  /** Listen port on 127.0.0.1; default 0 (the OS picks; read it from `port`). */
  port?: number;
  /** Peers to connect to, e.g. [['127.0.0.1', 6881]]. */
  peers?: readonly (readonly [string, number])[];
  /**
   * Message Stream Encryption: 'require' = RC4 only, plaintext peers refused both ways; 'disable' =
   * no MSE at all. Default: libtorrent's own (MSE offered and accepted, plaintext too).
   */
  encryption?: 'require' | 'disable';
  /** Gives up starting after this long (checking a large torrent takes a while). Default 60 s. */
  startTimeoutMs?: number;
  signal?: AbortSignal;
  /** Every JSON event the child prints, including progress lines. */
  onEvent?: (event: LibtorrentEvent) => void;
}

export interface LibtorrentPeer {
  port: number;
  /** Resolves with the first event of this kind from now on (or one already seen, for 'finished'). */
  waitFor<K extends LibtorrentEvent['event']>(kind: K, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<Extract<LibtorrentEvent, { event: K }>>;
  /** Asks the peer to dial host:port (for clients that only accept incoming connections). */
  connect(host: string, port: number): Promise<void>;
  /** Closes the child's stdin, then SIGTERM after 5 s and SIGKILL after 10 s; resolves when it exited. */
  stop(): Promise<void>;
}

interface Child {
  process: ChildProcessWithoutNullStreams;
  seen: LibtorrentEvent[];
  listeners: Set<(event: LibtorrentEvent) => void>;
  exited: Promise<number | null>;
  stderr: () => string;
}

function spawnScript(args: readonly string[], onEvent?: (event: LibtorrentEvent) => void): Child {
  const child = spawn(SYSTEM_PYTHON, ['-u', LT_PEER_SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const seen: LibtorrentEvent[] = [];
  const listeners = new Set<(event: LibtorrentEvent) => void>();
  let stderr = '';
  let pending = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-8192);
  });
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    pending += d;
    let newline;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line === '') continue;
      let event: LibtorrentEvent;
      try {
        event = JSON.parse(line) as LibtorrentEvent;
      } catch {
        continue; // not one of ours (a library printing to stdout)
      }
      if (event.event !== 'progress') seen.push(event);
      onEvent?.(event);
      for (const listener of listeners) listener(event);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { process: child, seen, listeners, exited, stderr: () => stderr };
}

function waitForEvent<K extends LibtorrentEvent['event']>(
  child: Child,
  kind: K,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  includeSeen: boolean,
): Promise<Extract<LibtorrentEvent, { event: K }>> {
  type Wanted = Extract<LibtorrentEvent, { event: K }>;
  const earlier = includeSeen ? child.seen.find((e): e is Wanted => e.event === kind) : undefined;
  if (earlier !== undefined) return Promise.resolve(earlier);
  return new Promise((resolve, reject) => {
    const abort = signal === undefined ? AbortSignal.timeout(timeoutMs) : AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    const done = (): void => {
      child.listeners.delete(listener);
      abort.removeEventListener('abort', onAbort);
    };
    const listener = (event: LibtorrentEvent): void => {
      if (event.event === kind) {
        done();
        resolve(event as Wanted);
      } else if (event.event === 'error') {
        done();
        reject(new Error(`libtorrent: ${event.message}`));
      }
    };
    const onAbort = (): void => {
      done();
      reject(new Error(`libtorrent: no "${kind}" event (${String(abort.reason)}); stderr: ${child.stderr()}`));
    };
    child.listeners.add(listener);
    abort.addEventListener('abort', onAbort);
    void child.exited.then((code) => {
      if (!child.listeners.has(listener)) return;
      done();
      reject(new Error(`libtorrent exited (${code}) before "${kind}"; stderr: ${child.stderr()}`));
    });
  });
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.stdin.end();
  const term = setTimeout(() => child.process.kill('SIGTERM'), 5000);
  const kill = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(term);
  clearTimeout(kill);
}

/** Starts a libtorrent peer; resolves once it is seeding (seed) or listening (leech). */
export async function startLibtorrentPeer(options: LibtorrentPeerOptions): Promise<LibtorrentPeer> {
  const args = ['run', '--torrent', options.torrentPath, '--save', options.savePath, '--port', String(options.port ?? 0)];
  if (options.seed) args.push('--seed');
  for (const [host, port] of options.peers ?? []) args.push('--peer', `${host}:${port}`);
  if (options.encryption !== undefined) args.push('--encryption', options.encryption);
  const child = spawnScript(args, options.onEvent);
  const stop = (): Promise<void> => stopChild(child);
  options.signal?.addEventListener('abort', () => void stop(), { once: true });
  let port: number;
  try {
    const ready = await waitForEvent(child, options.seed ? 'seeding' : 'listening', options.startTimeoutMs ?? 60_000, options.signal, true);
    port = ready.port;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    waitFor: (kind, opts) => waitForEvent(child, kind, opts?.timeoutMs ?? 60_000, opts?.signal, kind === 'finished'),
    connect: (host, peerPort) =>
      new Promise<void>((resolve, reject) => {
        child.process.stdin.write(`connect ${host}:${peerPort}\n`, (error) => (error ? reject(error) : resolve()));
      }),
    stop,
  };
}

/** A libtorrent seeder for the torrent's data under `savePath` (checked before it serves). */
export async function startLibtorrentSeeder(options: Omit<LibtorrentPeerOptions, 'seed' | 'peers'>): Promise<LibtorrentPeer> {
  return await startLibtorrentPeer({ ...options, seed: true });
}

export interface LibtorrentTorrent {
  /** v1 info-hash as libtorrent computes it (40 hex digits). */
  infoHash: string;
  pieces: number;
  pieceSize: number;
  /** Bytes of the info dictionary (what BEP 9 transfers). */
  metadataSize: number;
  totalSize: number;
}

/** Makes a v1 .torrent of `sourcePath` (a file or folder) with libtorrent's create_torrent. */
export async function makeLibtorrentTorrent(options: { sourcePath: string; torrentPath: string; pieceSize?: number; timeoutMs?: number }): Promise<LibtorrentTorrent> {
  const args = ['make-torrent', '--source', options.sourcePath, '--out', options.torrentPath];
  if (options.pieceSize !== undefined) args.push('--piece-size', String(options.pieceSize));
  const child = spawnScript(args);
  child.process.stdin.end();
  try {
    const { event: _event, ...torrent } = await waitForEvent(child, 'torrent', options.timeoutMs ?? 60_000, undefined, true);
    return torrent;
  } finally {
    await stopChild(child);
  }
}
