// Checks that turn the first thing a transfer would trip over into one line that says what to do:
// an output path that is a file or cannot be written, a port in use, a torrent with no way to find
// peers. They run before the session starts, so nothing is half-done when they fail.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Session, Torrent } from '@typetorrent/engine';
import type { MagnetLink, Metainfo } from '@typetorrent/metainfo';
import { CliError, EXIT_BAD_INPUT, EXIT_USAGE } from '../errors.js';
import { printable } from '../format/terminal-text.js';

function errorCode(error: unknown): unknown {
  // Duck-typed: errors may come from another realm (a test runner's VM), where instanceof fails.
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

/** The first error code along an error's `cause` chain that looks like a system error ('EADDRINUSE'). */
function systemCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = errorCode(e);
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    e = typeof e === 'object' && 'cause' in e ? e.cause : undefined;
  }
  return undefined;
}

/**
 * The download folder (`-o`) exists as a folder we can write, or is created now. A file there, or a
 * parent we may not write to, is said as such (not as "no such file", which is what the engine's
 * later mkdir would report).
 */
export async function prepareOutputFolder(output: string): Promise<string> {
  const resolved = path.resolve(output);
  const shown = printable(output);
  const stat = await fs.stat(resolved).catch(() => undefined);
  if (stat !== undefined && !stat.isDirectory()) throw new CliError(`-o: ${shown} is a file, not a folder (give the folder to save into)`, EXIT_USAGE);
  try {
    if (stat === undefined) await fs.mkdir(resolved, { recursive: true });
    await fs.access(resolved, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    const code = systemCode(error);
    const problem =
      code === 'EACCES' || code === 'EPERM'
        ? `permission denied: cannot ${stat === undefined ? 'create' : 'write in'} this folder`
        : code === 'EROFS'
          ? 'the file system is read-only'
          : code === 'ENOTDIR'
            ? 'a part of the path is a file, not a folder'
            : undefined;
    if (problem === undefined) throw error;
    throw new CliError(`-o: ${shown}: ${problem}`, EXIT_BAD_INPUT, { cause: error });
  }
  return resolved;
}

/** session.listen(), with a port in use explained. */
export async function listenOrExplain(session: Session, port: number): Promise<number> {
  try {
    return await session.listen();
  } catch (error) {
    const code = systemCode(error);
    if (code === 'EADDRINUSE') throw new CliError(`--port: port ${port} is in use (another client running?); use -p 0 or another port`, EXIT_USAGE, { cause: error });
    if (code === 'EACCES') throw new CliError(`--port: port ${port} needs privileges; use -p 0 or a port above 1023`, EXIT_USAGE, { cause: error });
    throw error;
  }
}

export interface PeerSources {
  /** Trackers will be asked (the torrent lists some and --no-announce was not given). */
  readonly announce: boolean;
  /** Peers given with --peer. */
  readonly manualPeers: number;
  /** The session searches the DHT for this torrent. */
  readonly dht: boolean;
  /** The session looks for this torrent on the local network (LSD, BEP 14). */
  readonly lsd?: boolean;
}

/**
 * Why a download would wait forever for peers, or undefined when it has somewhere to find them. Only
 * for downloads (a seed is found by peers that connect to it), and only matters for a torrent whose
 * data is not complete: the caller checks that after the data check.
 */
export function noPeerSources(source: Metainfo | MagnetLink, sources: PeerSources): CliError | undefined {
  const isMagnet = !('pieceLength' in source);
  const trackers = isMagnet ? source.trackers.length : source.announce.flat().length;
  const magnetPeers = isMagnet ? source.peers.length : 0;
  if (sources.dht || sources.lsd === true || sources.manualPeers > 0 || magnetPeers > 0 || (sources.announce && trackers > 0)) return undefined;
  const name = printable(source.name ?? source.infoHashHex);
  const why = trackers === 0 ? `${isMagnet ? 'the magnet link has no tr=' : 'the torrent lists no'} trackers` : 'trackers are off (--no-announce)';
  return new CliError(`${name}: no way to find peers: ${why}, no --peer was given and neither DHT nor LSD is on; add --peer host:port`, EXIT_USAGE);
}

/** Resolves once the torrent has checked its data (its state is past `checking`). */
export async function whenChecked(torrent: Torrent): Promise<void> {
  await new Promise<void>((resolve) => {
    const settle = (): void => {
      if (torrent.state !== 'checking') {
        torrent.off('state', settle);
        resolve();
      }
    };
    torrent.on('state', settle);
    settle();
  });
}
