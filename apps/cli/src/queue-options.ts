// The session's active limits as flags (`download`, `daemon`): how many torrents download and seed
// at once; the rest wait `queued`, started in the order they were added. One place for both commands.
import { InvalidArgumentError, type Command } from 'commander';
import type { SessionOptions } from '@typetorrent/engine';

export interface QueueCliOptions {
  readonly maxActiveDownloads?: number;
  readonly maxActiveSeeds?: number;
}

/** A limit: a whole number of at least 1, or `unlimited`. */
export function parseActiveLimit(text: string): number {
  if (text.trim().toLowerCase() === 'unlimited') return Number.POSITIVE_INFINITY;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1, or unlimited');
  return n;
}

export function queueSessionOptions(options: QueueCliOptions): Pick<SessionOptions, 'maxActiveDownloads' | 'maxActiveSeeds'> {
  return {
    ...(options.maxActiveDownloads === undefined ? {} : { maxActiveDownloads: options.maxActiveDownloads }),
    ...(options.maxActiveSeeds === undefined ? {} : { maxActiveSeeds: options.maxActiveSeeds }),
  };
}

export function addQueueOptions(command: Command): Command {
  return command
    .option('--max-active-downloads <n>', 'torrents downloading at once; the others wait, queued, in the order given (default 5; or unlimited)', parseActiveLimit)
    .option('--max-active-seeds <n>', 'torrents seeding at once; the others wait, queued (default unlimited)', parseActiveLimit);
}
