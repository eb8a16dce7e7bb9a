// For the daemon's tests: a seeding Session over 127.0.0.1 with known data, a daemon started
// in-process on loopback ports, and waits on its event stream (no polling, no sleeps).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Session } from '@typetorrent/engine';
import type { Metainfo } from '@typetorrent/metainfo';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { deterministicBytes } from '@typetorrent/testkit';
import { DaemonClient } from '../daemon/api-client.js';
import { CLI } from './cli-process.js';
import { startDaemon, type DaemonOptions, type RunningDaemon } from '../daemon/daemon.js';
import type { TorrentSummary } from '../daemon/views.js';

export interface Seeder {
  readonly session: Session;
  readonly peer: string;
  readonly torrent: Uint8Array;
  readonly metainfo: Metainfo;
  /** The files' bytes by their path inside the torrent ('a.bin', 'sub/b.mp4'). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  close(): Promise<void>;
}

/** A folder torrent `name` with the given files (path → size), seeded on 127.0.0.1. */
export async function startSeeder(work: string, name: string, sizes: Record<string, number>, seed = 1): Promise<Seeder> {
  const root = path.join(work, 'seed', name);
  const files = new Map<string, Uint8Array>();
  let n = seed;
  for (const [rel, size] of Object.entries(sizes)) {
    const bytes = deterministicBytes(size, n++);
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), bytes);
    files.set(rel, bytes);
  }
  const { torrent, metainfo } = await createTorrentFromPath(root, { pieceLength: 32 * 1024 });
  const session = new Session({ port: 0, host: '127.0.0.1', hashThreads: 0 });
  await session.listen();
  const seeding = await session.add(torrent, { savePath: path.dirname(root), announce: false, resumeDirectory: path.join(work, 'seed-resume') });
  await seeding.whenDone();
  return { session, peer: `127.0.0.1:${session.port}`, torrent, metainfo, files, close: async () => await session.close() };
}

export interface TestDaemon {
  readonly daemon: RunningDaemon;
  readonly client: DaemonClient;
}

export async function startTestDaemon(stateDir: string, downloadDir: string, extra: Partial<DaemonOptions> = {}): Promise<TestDaemon> {
  const daemon = await startDaemon({
    listen: { host: '127.0.0.1', port: 0 },
    stateDir,
    downloadDir,
    port: 0,
    peerHost: '127.0.0.1',
    hashThreads: 0,
    ...extra,
  });
  return { daemon, client: new DaemonClient(daemon.url, daemon.token) };
}

/** Resolves with the torrent's summary once `until` holds for it, as the event stream tells. */
export async function waitForTorrent(client: DaemonClient, infoHash: string, until: (t: TorrentSummary) => boolean, what: string): Promise<TorrentSummary> {
  const controller = new AbortController();
  try {
    for await (const { event, data } of client.events(controller.signal)) {
      const summaries = event === 'hello' || event === 'progress' ? (data as { torrents: TorrentSummary[] }).torrents : event === 'state' || event === 'added' ? [(data as { torrent: TorrentSummary }).torrent] : [];
      const found = summaries.find((t) => t.infoHash === infoHash && until(t));
      if (found !== undefined) return found;
    }
  } finally {
    controller.abort();
  }
  throw new Error(`the event stream ended before ${what}`);
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly client: DaemonClient;
  readonly exited: Promise<number | null>;
}

/** Starts `typetorrent daemon --json` on loopback ports and waits for its `listening` line. */
export async function runDaemon(stateDir: string, downloads: string): Promise<DaemonProcess> {
  const args = [CLI, 'daemon', '--json', '--listen', '127.0.0.1:0', '--port', '0', '--state-dir', stateDir, '--download-dir', downloads, '--no-dht', '--no-lsd', '--hash-threads', '0', '--max-peers', '20', '--fsync'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TYPETORRENT_DHT_BOOTSTRAP: '', TYPETORRENT_LSD: 'off' } });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.includes('"type":"listening"'));
      if (line !== undefined) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then((code) => reject(new Error(`the daemon exited with ${code}: ${stdout}${stderr}`)));
  });
  const token = fs.readFileSync(path.join(stateDir, 'api-token'), 'utf8').trim();
  return { child, client: new DaemonClient(url, token), exited };
}
