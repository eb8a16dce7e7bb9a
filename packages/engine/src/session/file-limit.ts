// The process's limit on open file descriptors (RLIMIT_NOFILE), shared by the session's open-file
// pool, its sockets and Node itself. Node cannot change it (there is no setrlimit in its API), but it
// needs not: Node raises the soft limit to the hard one itself at start-up on POSIX systems (a
// shell's `ulimit -Sn 1024` under a hard limit of 20000 shows 20000 inside node). So the session
// only looks, and warns when its pool and connection caps could run into what is left.
import { readFileSync } from 'node:fs';
import { EngineError } from '../errors.js';

export interface FileLimit {
  /** What opening fails beyond (EMFILE); Infinity when unlimited. */
  readonly soft: number;
  readonly hard: number;
}

/** Descriptors Node and the session use besides pooled files and peer sockets (event loop, UDP, workers, resume writes). */
export const OTHER_DESCRIPTORS = 64;

/** The limit from /proc/self/limits; undefined where that file does not exist (not Linux). */
export function openFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): FileLimit | undefined {
  let text: string;
  try {
    text = read();
  } catch {
    return undefined;
  }
  return parseOpenFileLimit(text);
}

/** The "Max open files" line of a /proc/<pid>/limits text. */
export function parseOpenFileLimit(text: string): FileLimit | undefined {
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (match === null) return undefined;
  const soft = toLimit(match[1]!);
  const hard = toLimit(match[2]!);
  return soft === undefined || hard === undefined ? undefined : { soft, hard };
}

/** A warning when pooled files plus connections plus Node's own could reach the soft limit. */
export function fileLimitWarning(limit: FileLimit | undefined, maxOpenFiles: number, maxConnections: number): EngineError | undefined {
  if (limit === undefined) return undefined;
  const needed = maxOpenFiles + maxConnections + OTHER_DESCRIPTORS;
  if (needed <= limit.soft) return undefined;
  return new EngineError(
    'STORAGE',
    `the process may open ${limit.soft} files (soft limit, hard ${limit.hard}); ${maxOpenFiles} pooled files, ${maxConnections} connections and ${OTHER_DESCRIPTORS} others could need ${needed}: raise the limit (ulimit -n) or lower maxOpenFiles or maxConnections`,
  );
}

function toLimit(field: string): number | undefined {
  if (field === 'unlimited') return Number.POSITIVE_INFINITY;
  const value = Number(field);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}
