import type { Command } from 'commander';

/** Each command module exports a function that adds its command to the program. */
export type RegisterCommand = (program: Command) => void;

// One import and one entry per command module (info, create, peers, download, seed, demo).
export const commands: RegisterCommand[] = [];
