// The uTP-only python3-libtorrent of the uTP interop tests (../../../utp/test/lt_utp_peer.py): TCP
// off both ways, a seeder that checks its data and serves it, or a leecher that dials one port and
// reports when it has checked every piece. Test helper, not exported by the package.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SYSTEM_PYTHON } from '@typetorrent/testkit';
import { jsonLineChild, type JsonLineChild } from '../testing/json-line-child.js';

const SCRIPT = fileURLToPath(new URL('../../../utp/test/lt_utp_peer.py', import.meta.url));

export type LtUtpEvent =
  | { readonly event: 'seeding'; readonly port: number }
  | { readonly event: 'progress'; readonly progress: number; readonly peers: number; readonly rate: number }
  | { readonly event: 'finished'; readonly seconds: number }
  | { readonly event: 'peer'; readonly message: string }
  | { readonly event: 'error'; readonly message: string };

export interface LtUtpPeerOptions {
  readonly torrentPath: string;
  readonly savePath: string;
  /** Leech from this port (on `host`); without it, seed. */
  readonly leechFrom?: number;
  /** The loopback address it listens and dials on (default 127.0.0.1; '::1' for IPv6). */
  readonly host?: string;
  /** A seeder that never connects out, not even back to a peer's advertised listen port. */
  readonly noDial?: boolean;
}

/** Starts it; wait for 'seeding' (a seeder's port) or 'finished' (a leecher checked every piece). */
export function startLtUtpPeer(options: LtUtpPeerOptions): JsonLineChild<LtUtpEvent> {
  const args = ['-u', SCRIPT, '--torrent', options.torrentPath, '--save', options.savePath, '--host', options.host ?? '127.0.0.1'];
  if (options.leechFrom !== undefined) args.push('--leech', String(options.leechFrom));
  if (options.noDial === true) args.push('--no-dial');
  const child = spawn(SYSTEM_PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  return jsonLineChild<LtUtpEvent>(child, 'uTP-only libtorrent', (event) => (event.event === 'error' ? event.message : undefined));
}
