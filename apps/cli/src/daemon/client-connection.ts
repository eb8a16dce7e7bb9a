// How the client commands (`typetorrent add`, `list`, ...) reach a running daemon: its address
// (--daemon, TYPETORRENT_DAEMON, default http://127.0.0.1:9091) and its token (TYPETORRENT_TOKEN,
// else STATE/api-token of --state-dir or the default state folder).
import fs from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { defaultStateDir } from '../state-dir.js';
import { DaemonClient, type ApiAnswer } from './api-client.js';
import { TOKEN_FILE } from './api-token.js';

export const DEFAULT_DAEMON_URL = 'http://127.0.0.1:9091';

export interface ConnectionOptions {
  readonly daemon?: string;
  readonly stateDir?: string;
}

export async function connectToDaemon(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): Promise<DaemonClient> {
  const url = options.daemon ?? env['TYPETORRENT_DAEMON'] ?? DEFAULT_DAEMON_URL;
  if (!/^https?:\/\/[^/]+\/?$/.test(url)) throw new CliError(`--daemon: expected http://host:port, got ${url}`);
  const fromEnv = env['TYPETORRENT_TOKEN'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return new DaemonClient(url, fromEnv.trim());
  const file = path.join(options.stateDir ?? defaultStateDir(env), TOKEN_FILE);
  let token: string;
  try {
    token = (await fs.readFile(file, 'utf8')).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: ${code === 'ENOENT' ? 'no token: start `typetorrent daemon` first (or give --state-dir / TYPETORRENT_TOKEN)' : (error as Error).message}`);
  }
  return new DaemonClient(url, token);
}

/** One request; an answer outside 2xx or an unreachable daemon becomes a one-line CliError. */
export async function call<T>(client: DaemonClient, method: string, pathname: string, body?: unknown): Promise<T> {
  let answer: ApiAnswer<T>;
  try {
    answer = await client.request<T>(method, pathname, body);
  } catch (error) {
    throw new CliError(`no daemon answers at ${client.baseUrl} (${(error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message}): start one with \`typetorrent daemon\``);
  }
  if (answer.status >= 200 && answer.status < 300) return answer.body;
  const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (answer.status === 401) throw new CliError(`the daemon at ${client.baseUrl} refused the token (another state folder? give --state-dir)`);
  throw new CliError(`${error?.message ?? `HTTP ${answer.status}`}`);
}
