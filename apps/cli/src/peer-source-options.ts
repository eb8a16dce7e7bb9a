// The session options `download` and `seed` share: where peers come from (DHT, LSD, PEX), how we
// reach them (uTP beside TCP, encryption). One place, so the two commands cannot drift apart.
import type { Command } from 'commander';
import type { EncryptionPolicy, SessionOptions } from '@typetorrent/engine';
import { sessionDht, type DhtCliOptions } from './dht-options.js';
import { sessionLsd, type LsdCliOptions } from './lsd-options.js';
import { ENCRYPTION_HELP, collect, parseEncryption, parseEndpoint } from './options.js';

export interface PeerSourceCliOptions extends DhtCliOptions, LsdCliOptions {
  readonly pex: boolean;
  readonly encryption?: EncryptionPolicy;
  readonly utp?: boolean;
}

/** The part of the session's options the peer-source flags decide. */
export function peerSourceSessionOptions(options: PeerSourceCliOptions): Pick<SessionOptions, 'dht' | 'lsd' | 'pex' | 'encryption' | 'utp'> {
  const dht = sessionDht(options);
  const lsd = sessionLsd(options);
  return {
    ...(dht === undefined ? {} : { dht }),
    ...(lsd === undefined ? {} : { lsd }),
    pex: options.pex,
    ...(options.encryption === undefined ? {} : { encryption: options.encryption }),
    utp: options.utp !== false,
  };
}

/** The flags behind PeerSourceCliOptions, for every command that runs a session. */
export function addPeerSourceOptions(command: Command): Command {
  return command
    .option('--encryption <policy>', ENCRYPTION_HELP, parseEncryption, 'prefer')
    .option('--no-dht', 'no DHT (BEP 5): neither look for peers there nor announce (on by default for public torrents)')
    .option('--dht-bootstrap <host:port>', 'join the DHT through this node instead of the public routers (repeatable)', collect(parseEndpoint))
    .option('--no-pex', 'do not exchange peer lists with peers (BEP 11 ut_pex; on by default for public torrents)')
    .option('--no-lsd', 'no local peer discovery (BEP 14 multicast; on by default for public torrents)')
    .option('--no-utp', 'TCP only: no uTP (BEP 29) connections in or out (on by default, tried first)');
}
