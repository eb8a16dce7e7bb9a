// The LSD option `download` and `seed` share (BEP 14, Local Service Discovery): on by default;
// `--no-lsd` turns it off, and so does `--no-announce` (tell nobody we are here). LSD multicasts to
// the local network, so TYPETORRENT_LSD=off turns it off too: test suites set it, since tests talk to
// loopback only.
import type { SessionOptions } from '@typetorrent/engine';
import type { MagnetLink, Metainfo } from '@typetorrent/metainfo';

export interface LsdCliOptions {
  readonly lsd: boolean;
  readonly announce: boolean;
}

const OFF = new Set(['0', 'off', 'no', 'false']);

/** The session's `lsd` option, or undefined when LSD is off. */
export function sessionLsd(options: LsdCliOptions, env: NodeJS.ProcessEnv = process.env): SessionOptions['lsd'] {
  if (!options.lsd || !options.announce) return undefined;
  const fromEnv = env['TYPETORRENT_LSD'];
  if (fromEnv !== undefined && OFF.has(fromEnv.trim().toLowerCase())) return undefined;
  return {};
}

/** LSD can find peers for this torrent: it runs and the torrent is not private (BEP 27). */
export function lsdFindsPeers(source: Metainfo | MagnetLink, lsd: SessionOptions['lsd']): boolean {
  return lsd !== undefined && !('private' in source && source.private);
}
