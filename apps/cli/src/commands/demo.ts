// `typetorrent demo`: a newcomer's first run with nothing else installed. Makes a folder of files,
// creates a torrent of it, seeds it from one session and downloads it from another over loopback
// (127.0.0.1 only), with live progress; then checks the copy byte for byte.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { Session } from '@typetorrent/engine';
import type { EncryptionPolicy, Torrent } from '@typetorrent/engine';
import { seededUint32 } from '@typetorrent/metainfo';
import { createTorrentFromPath } from '@typetorrent/metainfo/node';
import { CliError, EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { interruptSignal, runTransfers } from '../engine/run-transfers.js';
import { formatBytes } from '../format/size.js';
import { jsonText } from '../format/terminal-text.js';
import { ENCRYPTION_HELP, parseEncryption, parsePositiveInt } from '../options.js';
import { processTerminal } from '../terminal.js';
import type { Terminal } from '../terminal.js';

export interface DemoOptions {
  /** MiB of demo data. */
  readonly size: number;
  readonly keep?: boolean;
  readonly json?: boolean;
  /** Both sessions' policy (default prefer: the demo transfer is RC4-encrypted). */
  readonly encryption?: EncryptionPolicy;
}

/** Deterministic demo data: a few files of odd sizes, one empty, in nested folders. */
async function writeDemoData(root: string, totalBytes: number): Promise<void> {
  const shares = [0.55, 0.3, 0.1499, 0];
  const names = ['video.bin', 'extras/photos.bin', 'extras/notes/readme.bin', 'extras/empty.txt'];
  const next = seededUint32(0x9e3779b9);
  for (let i = 0; i < names.length; i++) {
    const file = path.join(root, names[i]!);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const size = Math.floor(totalBytes * shares[i]!) + (shares[i]! > 0 ? 12345 : 0);
    const handle = await fs.open(file, 'w');
    try {
      const chunk = new Uint32Array(1 << 18);
      for (let written = 0; written < size; ) {
        for (let j = 0; j < chunk.length; j++) {
          chunk[j] = next();
        }
        const n = Math.min(chunk.byteLength, size - written);
        await handle.write(new Uint8Array(chunk.buffer, 0, n));
        written += n;
      }
    } finally {
      await handle.close();
    }
  }
}

async function digestTree(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(root, full), crypto.createHash('sha1').update(await fs.readFile(full)).digest('hex'));
  }
  return out;
}

export async function runDemo(options: DemoOptions, terminal: Terminal, signal: AbortSignal): Promise<number> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'typetorrent-demo-'));
  const seedDir = path.join(work, 'seeder');
  const leechDir = path.join(work, 'leecher');
  const content = path.join(seedDir, 'demo-files');
  const encryption = options.encryption ?? 'prefer';
  const seeder = new Session({ port: 0, host: '127.0.0.1', encryption });
  const leecher = new Session({ port: 0, host: '127.0.0.1', encryption });
  try {
    const say = (line: string): void => (options.json === true ? terminal.out(jsonText({ type: 'message', message: line })) : terminal.err(line));
    say(`demo: writing ${options.size} MiB of files under ${work}`);
    await writeDemoData(content, options.size * 1024 * 1024);
    const { metainfo } = await createTorrentFromPath(content, { createdBy: 'typetorrent demo', signal });
    say(`demo: made a torrent of ${metainfo.files.length} files, ${formatBytes(metainfo.totalLength)}, ${metainfo.pieceCount} pieces; info-hash ${metainfo.infoHashHex}`);
    const seederPort = await seeder.listen();
    await leecher.listen();
    const seeding = await seeder.add(metainfo, { savePath: seedDir, seed: true, announce: false });
    await new Promise<void>((resolve) => (seeding.done ? resolve() : seeding.once('done', () => resolve())));
    say(`demo: seeder checked its data and listens on 127.0.0.1:${seederPort}; the leecher connects to it`);
    await fs.mkdir(leechDir, { recursive: true });
    const leeching = await leecher.add(metainfo, { savePath: leechDir, seed: false, announce: false, peers: [{ host: '127.0.0.1', port: seederPort }] });
    const labels = new Map<Torrent, string>([[leeching, 'leecher'], [seeding, 'seeder']]);
    const started = Date.now();
    const code = await runTransfers(leecher, [leeching], { terminal, json: options.json === true, keepSeeding: false, labels, signal });
    const seconds = (Date.now() - started) / 1000;
    if (code !== EXIT_OK) return code;
    const [want, got] = await Promise.all([digestTree(content), digestTree(path.join(leechDir, metainfo.name))]);
    const same = want.size === got.size && [...want].every(([file, digest]) => got.get(file) === digest);
    if (!same) throw new CliError('demo: the downloaded files differ from the seeded ones', EXIT_FAILURE);
    say(`demo: downloaded ${formatBytes(metainfo.totalLength)} in ${seconds.toFixed(2)} s (${(metainfo.totalLength / 1e6 / seconds).toFixed(1)} MB/s); all ${want.size} files match byte for byte`);
    return EXIT_OK;
  } finally {
    await Promise.allSettled([seeder.close(), leecher.close()]);
    if (options.keep === true) terminal.err(`demo: files kept in ${work}`);
    else await fs.rm(work, { recursive: true, force: true });
  }
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('seed and download a freshly made torrent over loopback, with live progress (nothing else needed)')
    .option('--size <MiB>', 'how much demo data to make', parsePositiveInt, 64)
    .option('--keep', 'keep the demo folder afterwards')
    .option('--json', 'progress as lines of JSON')
    .option('--encryption <policy>', ENCRYPTION_HELP, parseEncryption, 'prefer')
    .action(async (options: DemoOptions) => {
      const interrupt = interruptSignal();
      try {
        process.exitCode = await runDemo(options, processTerminal(), interrupt.signal);
      } finally {
        interrupt.dispose();
      }
    });
}
