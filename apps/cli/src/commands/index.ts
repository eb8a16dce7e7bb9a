import type { Command } from 'commander';
import { registerCreate } from './create.js';
import { registerInfo } from './info.js';
import { registerPeers } from './peers.js';
import { registerDht } from './dht.js';
import { registerDemo } from './demo.js';
import { registerDownload } from './download.js';
import { registerSeed } from './seed.js';
import { registerDaemon } from './daemon.js';
import { registerDaemonClient } from './daemon-client.js';

/** Each command module exports a function that adds its command to the program. */
export type RegisterCommand = (program: Command) => void;

// One import and one entry per command module (info, create, peers, dht, download, seed, demo, daemon, and add/list/pause/resume/remove).
export const commands: RegisterCommand[] = [
  registerInfo,
  registerCreate,
  registerPeers,
  registerDht,
  registerDownload,
  registerSeed,
  registerDemo,
  registerDaemon,
  registerDaemonClient,
];
