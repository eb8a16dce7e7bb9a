// Test helper (not exported): runs lt_dht_peer.py, a python3-libtorrent peer whose only peer source
// is its DHT, and reads its JSON lines.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SYSTEM_PYTHON } from '@typetorrent/testkit';

const SCRIPT = fileURLToPath(new URL('./lt_dht_peer.py', import.meta.url));

export type LtDhtEvent =
  | { event: 'listening'; port: number }
  | { event: 'seeding'; port: number }
  | { event: 'peer'; address: string }
  | { event: 'metadata' }
  | { event: 'finished'; totalDownload: number }
  | { event: 'stopped' }
  | { event: 'error'; message: string };

export interface LtDhtPeerOptions {
  readonly savePath: string;
  readonly bootstrap: readonly string[];
  /** A leecher's magnet link, or a seeder's .torrent file. */
  readonly source: { readonly magnet: string } | { readonly torrentPath: string };
}

export interface LtDhtPeer {
  readonly events: LtDhtEvent[];
  /** The first event of this kind (one already seen counts); rejects on an `error` event or exit. */
  waitFor<K extends LtDhtEvent['event']>(kind: K): Promise<Extract<LtDhtEvent, { event: K }>>;
  stop(): Promise<void>;
}

export function startLtDhtPeer(options: LtDhtPeerOptions): LtDhtPeer {
  const args = ['-u', SCRIPT, '--save', options.savePath, ...options.bootstrap.flatMap((b) => ['--bootstrap', b])];
  if ('magnet' in options.source) args.push('--magnet', options.source.magnet);
  else args.push('--torrent', options.source.torrentPath, '--seed');
  const child = spawn(SYSTEM_PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: LtDhtEvent[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let pending = '';
  let exited = false;
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8192)));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    pending += d;
    let newline;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (!line.startsWith('{')) continue;
      events.push(JSON.parse(line) as LtDhtEvent);
      for (const listener of listeners) listener();
    }
  });
  const closed = new Promise<void>((resolve) =>
    child.once('close', () => {
      exited = true;
      for (const listener of listeners) listener();
      resolve();
    }),
  );
  return {
    events,
    waitFor<K extends LtDhtEvent['event']>(kind: K): Promise<Extract<LtDhtEvent, { event: K }>> {
      type Wanted = Extract<LtDhtEvent, { event: K }>;
      return new Promise<Wanted>((resolve, reject) => {
        const check = (): void => {
          const found = events.find((e): e is Wanted => e.event === kind);
          const error = events.find((e): e is Extract<LtDhtEvent, { event: 'error' }> => e.event === 'error');
          if (found === undefined && error === undefined && !exited) return;
          listeners.delete(check);
          if (found !== undefined) resolve(found);
          else reject(new Error(`libtorrent: no "${kind}" event: ${error?.message ?? 'exited'}; stderr: ${stderr}`));
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (!exited) {
        child.stdin.end();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await closed;
        clearTimeout(kill);
      }
    },
  };
}
