// A child process that reports what it does as JSON lines on stdout (test helper, not exported by
// the package): the events seen so far, waiting for one of a kind, and a stop that closes its stdin
// and kills it if it lingers.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

export interface JsonLineChild<E extends { readonly event: string }> {
  readonly events: E[];
  /** The first event of this kind (one already seen counts); rejects on a `failed` event or when the child exits first. */
  waitFor<K extends E['event']>(kind: K): Promise<Extract<E, { event: K }>>;
  /** Resolves when the child exited, with the tail of its stderr. */
  readonly closed: Promise<string>;
  readonly exited: boolean;
  /** Closes its stdin (the child's cue to finish) and waits; SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/** `failed(event)` names an event that means the child gave up (its message goes into the rejection). */
export function jsonLineChild<E extends { readonly event: string }>(child: ChildProcessWithoutNullStreams, who: string, failed: (event: E) => string | undefined = () => undefined): JsonLineChild<E> {
  const events: E[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let pending = '';
  let exited = false;
  const wake = (): void => {
    for (const listener of [...listeners]) listener();
  };
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8192)));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    pending += d;
    for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n')) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line.startsWith('{')) events.push(JSON.parse(line) as E);
    }
    wake();
  });
  const closed = new Promise<string>((resolve) =>
    child.once('close', () => {
      exited = true;
      wake();
      resolve(stderr);
    }),
  );
  return {
    events,
    closed,
    get exited() {
      return exited;
    },
    waitFor<K extends E['event']>(kind: K): Promise<Extract<E, { event: K }>> {
      type Wanted = Extract<E, { event: K }>;
      return new Promise<Wanted>((resolve, reject) => {
        const check = (): void => {
          const found = events.find((e): e is Wanted => e.event === kind);
          const failure = events.map(failed).find((message) => message !== undefined);
          if (found === undefined && failure === undefined && !exited) return;
          listeners.delete(check);
          if (found !== undefined) resolve(found);
          else reject(new Error(`${who}: no "${kind}" event: ${failure ?? 'exited'}; stderr: ${stderr}`));
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (exited) return;
      child.stdin.end();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await closed;
      clearTimeout(kill);
    },
  };
}
