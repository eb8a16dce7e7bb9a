// A real opentracker on 127.0.0.1 for interop tests. Debian's build runs in whitelist mode, chroots
// into its `-d` directory and drops to the user `nobody` (even when no `-u` is given), so the
// directory must be world-searchable and the whitelist world-readable; SIGHUP reloads the list.
// One port number serves both HTTP (-p) and UDP (-P); `-i` must come before them.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { freePort } from './net.js';
import { makeTempDir, removeTempDir } from './temp.js';

export interface OpentrackerOptions {
  /** Info-hashes (40 hex digits) to put on the whitelist from the start. */
  readonly infoHashes: readonly string[];
  /** How long to wait for startup and for a whitelist reload. Default 10 s. */
  readonly readyTimeoutMs?: number;
}

export interface Opentracker {
  /** http://127.0.0.1:PORT/announce */
  readonly httpAnnounceUrl: string;
  /** udp://127.0.0.1:PORT/announce */
  readonly udpAnnounceUrl: string;
  /** The TCP and UDP port. */
  readonly port: number;
  /** Adds an info-hash to the whitelist and waits until the tracker accepts announces for it. */
  allow(infoHashHex: string): Promise<void>;
  /** Kills the tracker and removes its directory. */
  stop(): Promise<void>;
}

const WHITELIST = 'whitelist';
const PROBE_PEER_ID = '-TK0000-probe0000000';

export async function startOpentracker(options: OpentrackerOptions): Promise<Opentracker> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  const hashes = options.infoHashes.map(normalizeHex);
  const dir = await makeTempDir('typetorrent-opentracker-');
  await fs.chmod(dir, 0o755);
  const whitelist = path.join(dir, WHITELIST);
  await fs.writeFile(whitelist, hashes.map((h) => `${h}\n`).join(''), { mode: 0o644 });
  await fs.chmod(whitelist, 0o644); // the umask may have narrowed the mode above

  const port = await freePort();
  const child = spawn('opentracker', ['-d', dir, '-w', WHITELIST, '-i', '127.0.0.1', '-p', String(port), '-P', String(port)], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async (): Promise<void> => {
    await kill(child, exited);
    await removeTempDir(dir);
  };

  try {
    await waitFor(readyTimeoutMs, exited, () => `opentracker did not start on port ${port}: ${stderr}`, () => accepts(port));
    for (const hash of hashes) {
      await waitFor(readyTimeoutMs, exited, () => `opentracker never allowed ${hash}: ${stderr}`, () => isAllowed(port, hash));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    httpAnnounceUrl: `http://127.0.0.1:${port}/announce`,
    udpAnnounceUrl: `udp://127.0.0.1:${port}/announce`,
    port,
    allow: async (infoHashHex) => {
      const hash = normalizeHex(infoHashHex);
      await fs.appendFile(whitelist, `${hash}\n`);
      child.kill('SIGHUP');
      await waitFor(readyTimeoutMs, exited, () => `opentracker never allowed ${hash} after SIGHUP: ${stderr}`, () => isAllowed(port, hash));
    },
    stop,
  };
}

function normalizeHex(hex: string): string {
  if (!/^[0-9a-fA-F]{40}$/.test(hex)) throw new Error(`not a 40-digit hex info-hash: ${hex}`);
  return hex.toLowerCase();
}

/** Polls `check` every 20 ms until it holds, the process exits, or time runs out. */
async function waitFor(timeoutMs: number, exited: Promise<number | null>, describe: () => string, check: () => Promise<boolean>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`opentracker exited. ${describe()}`);
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(describe());
}

async function accepts(port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Whether the whitelist holds `hash` yet. A `stopped` announce would not tell (opentracker skips the
 * whitelist for it), so this announces a probe peer and removes it again at once with `stopped`.
 */
async function isAllowed(port: number, hash: string): Promise<boolean> {
  const query = `info_hash=${hash.replace(/../g, '%$&')}&peer_id=${PROBE_PEER_ID}&port=1&uploaded=0&downloaded=0&left=1&compact=1&numwant=0`;
  const body = await get(`http://127.0.0.1:${port}/announce?${query}`);
  if (body.includes('failure reason')) return false;
  await get(`http://127.0.0.1:${port}/announce?${query}&event=stopped`);
  return true;
}

async function get(url: string): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        let body = '';
        response.setEncoding('latin1').on('data', (d: string) => (body += d));
        response.on('end', () => resolve(body));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

async function kill(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}
