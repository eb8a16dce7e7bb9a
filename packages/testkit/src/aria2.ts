// aria2c as a BitTorrent leecher on loopback, for interop tests. It cannot be given a peer address,
// so it finds peers through the torrent's HTTP tracker (its UDP tracker support rides on the DHT
// socket, which stays off here). DHT, LPD and peer exchange are off so nothing leaves 127.0.0.1;
// `--seed-time=0` makes it exit as soon as the download is complete and checked.
import { spawn } from 'node:child_process';

export interface Aria2DownloadOptions {
  /** The .torrent file (its announce URL must be an http:// tracker on loopback). */
  readonly torrentPath: string;
  /** Folder the files are written into. */
  readonly dir: string;
  /** TCP port aria2 listens on for peers; default one in 6881-6999, as aria2 picks. */
  readonly listenPort?: number;
  /** Kills aria2 (SIGKILL) after this long. Default 60 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** More command-line options, e.g. ['--max-download-limit=1M']. */
  readonly extraArgs?: readonly string[];
}

export interface Aria2Result {
  /** aria2c's exit status: 0 when every download completed. null when it was killed. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the timeout or the signal ended it. */
  readonly killed: boolean;
}

/** Runs `aria2c` on a torrent until it has the whole download (or the timeout kills it). */
export async function runAria2Download(options: Aria2DownloadOptions): Promise<Aria2Result> {
  const args = [
    '--no-conf',
    `--dir=${options.dir}`,
    '--seed-time=0',
    '--file-allocation=none',
    '--enable-dht=false',
    '--enable-dht6=false',
    '--bt-enable-lpd=false',
    '--enable-peer-exchange=false',
    '--disable-ipv6=true',
    '--summary-interval=0',
    '--console-log-level=warn',
    '--allow-overwrite=true',
    '--auto-file-renaming=false',
    '--bt-tracker-connect-timeout=5',
    '--bt-tracker-timeout=5',
    ...(options.listenPort === undefined ? [] : [`--listen-port=${options.listenPort}`]),
    ...(options.extraArgs ?? []),
    options.torrentPath,
  ];
  return await new Promise<Aria2Result>((resolve, reject) => {
    const child = spawn('aria2c', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout = (stdout + d).slice(-16_384)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-16_384)));
    const kill = (): void => {
      killed = true;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(kill, options.timeoutMs ?? 60_000);
    options.signal?.addEventListener('abort', kill, { once: true });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
      resolve({ code, stdout, stderr, killed });
    });
  });
}
