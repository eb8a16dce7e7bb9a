// The DHT options `download` and `seed` share: on by default; `--no-dht` turns it off,
// `--dht-bootstrap host:port` (repeatable) replaces the public routers, and the routing table is
// kept in the state folder so a restart needs no routers. With `--no-announce` (tell nobody we are
// here) the DHT stays off unless bootstrap nodes are named explicitly. TYPETORRENT_DHT_BOOTSTRAP
// ("host:port,..."; empty: none) replaces the default routers too: test suites set it so that no
// run ever contacts the public routers.
import path from 'node:path';
import type { SessionOptions } from '@typetorrent/engine';
import type { Metainfo, MagnetLink } from '@typetorrent/metainfo';
import { defaultStateDir } from './state-dir.js';

export interface DhtCliOptions {
  readonly dht: boolean;
  readonly dhtBootstrap?: { host: string; port: number }[];
  readonly announce: boolean;
  readonly stateDir?: string;
}

/** The session's `dht` option, or undefined when the DHT is off. */
export function sessionDht(options: DhtCliOptions, env: NodeJS.ProcessEnv = process.env): SessionOptions['dht'] {
  if (!options.dht) return undefined;
  if (!options.announce && options.dhtBootstrap === undefined) return undefined;
  const stateFile = path.join(path.resolve(options.stateDir ?? defaultStateDir()), 'dht.json');
  const fromEnv = env['TYPETORRENT_DHT_BOOTSTRAP'];
  const bootstrap = options.dhtBootstrap ?? (fromEnv === undefined ? undefined : fromEnv.split(',').filter((entry) => entry.trim() !== ''));
  return { stateFile, ...(bootstrap === undefined ? {} : { bootstrap }) };
}

/** The DHT can find peers for this torrent: it runs and the torrent is not private (BEP 27). */
export function dhtFindsPeers(source: Metainfo | MagnetLink, dht: SessionOptions['dht']): boolean {
  return dht !== undefined && !('private' in source && source.private);
}
