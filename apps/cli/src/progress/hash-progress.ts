// Progress while hashing: a cli-progress bar on stderr when it is a terminal; nothing otherwise, so
// piped or logged output stays plain (the result lines are printed at the end either way).
import cliProgress from 'cli-progress';
import { formatBytes } from '../format/size.js';

export interface HashProgress {
  update(hashedBytes: number, totalBytes: number): void;
  stop(): void;
}

export function createHashProgress(stream: NodeJS.WriteStream | undefined): HashProgress {
  if (stream === undefined) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'hashing [{bar}] {percentage}% | {done} of {size} | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      // Redraws are throttled by cli-progress itself (fps), so per-chunk updates are cheap.
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(hashed, total) {
      const payload = { done: formatBytes(hashed), size: formatBytes(total) };
      if (!started) {
        bar.start(total, hashed, payload);
        started = true;
      } else {
        bar.update(hashed, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
