// The uTP-only python3-libtorrent of the uTP interop tests (../../../utp/test/lt_utp_peer.py): TCP
// off both ways, a seeder that checks its data and serves it, or a leecher that dials one port and
// reports when it has checked every piece; and a deadline for a transfer with it whose error says
// how far both sides got. Test helper, not exported by the package.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SYSTEM_PYTHON } from '@typetorrent/testkit';
import { jsonLineChild, type JsonLineChild } from './json-line-child.js';
import type { Torrent } from '../torrent/torrent.js';

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

/** A transfer's own deadline: generous (seconds on an idle machine), but it fails with what both sides saw. */
export const TRANSFER_DEADLINE_MS = 90_000;

/** `promise`, or a rejection saying `what()` once `ms` (default TRANSFER_DEADLINE_MS) passed. */
export async function withinDeadline<T>(promise: Promise<T>, what: () => string, ms = TRANSFER_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no end after ${ms} ms: ${what()}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a torrent's peers did (connects, disconnects with their reasons) and its warnings, for a deadline's error. */
export function recordPeers(torrent: Torrent): string[] {
  const seen: string[] = [];
  torrent.on('peer', (event) => seen.push(`${event.type} ${event.peer.key}${event.type === 'disconnect' ? `: ${event.reason.message}` : ''}`));
  torrent.on('warning', (warning) => seen.push(`warning: ${warning.message}`));
  return seen;
}

/** How far both sides got: our torrent's progress, peers and history, libtorrent's last progress line. */
export function progressOf(torrent: Torrent, history: readonly string[], lt: JsonLineChild<LtUtpEvent>): string {
  const { verifiedBytes, uploaded } = torrent.progress();
  const peers = torrent.peers().map((p) => `${p.key} ${p.direction} choking=${p.amChoking} interested=${p.peerInterested} up=${p.uploaded} down=${p.downloaded}`);
  const last = lt.events.filter((e) => e.event === 'progress').at(-1);
  return `ours: verified ${verifiedBytes}, uploaded ${uploaded}, peers [${peers.join('; ')}], history [${history.join('; ')}]; libtorrent: ${JSON.stringify(last ?? 'no progress yet')}`;
}
