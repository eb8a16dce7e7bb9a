// Test helper (not exported): runs lt_discovery_peer.py, a python3-libtorrent peer whose only peer
// sources are its DHT and/or LSD (optionally inside a network namespace), and reads its JSON lines.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SYSTEM_PYTHON } from '@typetorrent/testkit';
import { jsonLineChild } from './json-line-child.js';

const SCRIPT = fileURLToPath(new URL('../interop/lt_discovery_peer.py', import.meta.url));

export type LtDiscoveryEvent =
  | { event: 'listening'; port: number }
  | { event: 'seeding'; port: number }
  | { event: 'peer'; address: string }
  | { event: 'metadata' }
  | { event: 'lsd_announced' }
  | { event: 'lsd_heard'; address: string; infoHash: string }
  | { event: 'finished'; totalDownload: number }
  | { event: 'stopped' }
  | { event: 'error'; message: string };

export interface LtDiscoveryPeerOptions {
  readonly savePath: string;
  /** DHT bootstrap nodes; none: no DHT. */
  readonly bootstrap?: readonly string[];
  /** Local Service Discovery on (multicast: only inside `netns`). */
  readonly lsd?: boolean;
  /** Run inside this network namespace (`ip netns exec`). */
  readonly netns?: string;
  /** A leecher's magnet link, or a seeder's .torrent file. */
  readonly source: { readonly magnet: string } | { readonly torrentPath: string };
}

export interface LtDiscoveryPeer {
  readonly events: LtDiscoveryEvent[];
  /** The first event of this kind (one already seen counts); rejects on an `error` event or exit. */
  waitFor<K extends LtDiscoveryEvent['event']>(kind: K): Promise<Extract<LtDiscoveryEvent, { event: K }>>;
  stop(): Promise<void>;
}

export function startLtDiscoveryPeer(options: LtDiscoveryPeerOptions): LtDiscoveryPeer {
  const args = ['-u', SCRIPT, '--save', options.savePath, ...(options.bootstrap ?? []).flatMap((b) => ['--bootstrap', b])];
  if (options.lsd === true) args.push('--lsd');
  if ('magnet' in options.source) args.push('--magnet', options.source.magnet);
  else args.push('--torrent', options.source.torrentPath, '--seed');
  const command = options.netns === undefined ? [SYSTEM_PYTHON, ...args] : ['ip', 'netns', 'exec', options.netns, SYSTEM_PYTHON, ...args];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  return jsonLineChild<LtDiscoveryEvent>(child, 'libtorrent', (e) => (e.event === 'error' ? e.message : undefined));
}
