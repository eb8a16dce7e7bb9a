// The session options `download` and `seed` share: where peers come from (DHT, LSD, PEX), how we
// reach them (uTP beside TCP, encryption). One place, so the two commands cannot drift apart.
import type { EncryptionPolicy, SessionOptions } from '@typetorrent/engine';
import { sessionDht, type DhtCliOptions } from './dht-options.js';
import { sessionLsd, type LsdCliOptions } from './lsd-options.js';

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
