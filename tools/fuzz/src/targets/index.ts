// Every fuzz target, in the order `npm run fuzz` runs them. Add a new one here (see README).
import type { FuzzTarget } from '../target.js';
import { bencodeTarget } from './bencode.js';
import { krpcTarget } from './dht.js';
import { extendedHandshakeTarget, utMetadataTarget, utPexTarget } from './extensions.js';
import { magnetTarget } from './magnet.js';
import { mseTarget } from './mse.js';
import { peerWireTarget } from './peer-wire.js';
import { resumeTarget } from './resume.js';
import { torrentTarget } from './torrent.js';
import { httpAnnounceTarget, httpScrapeTarget, udpTarget } from './tracker.js';
import { utpTarget } from './utp.js';

export const TARGETS: readonly FuzzTarget[] = [
  bencodeTarget,
  torrentTarget,
  magnetTarget,
  peerWireTarget,
  utMetadataTarget,
  utPexTarget,
  extendedHandshakeTarget,
  httpAnnounceTarget,
  httpScrapeTarget,
  udpTarget,
  resumeTarget,
  krpcTarget,
  utpTarget,
  mseTarget,
];
