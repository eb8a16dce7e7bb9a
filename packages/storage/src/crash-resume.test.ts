// kill -9 at an arbitrary moment: a child process downloads through the real PieceStore, is killed
// with SIGKILL after some pieces, and a fresh PieceStore opens what it left. Nothing counted verified
// may be wrong on disk, and nothing saved as verified may be lost.
//
// The child is TypeScript (crash-child.ts), bundled here with esbuild (tsup's own bundler, installed
// with it) using the source export condition, so the test needs no prior build and always runs the
// current source.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { build as BuildFunction } from 'esbuild';
import { deterministicBytes, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { crashTorrent, type CrashChildConfig } from './crash-child.js';
import { FileStorage } from './file-storage.js';
import { PieceStore } from './piece-store.js';
import { decodeResume } from './resume-data.js';
import { ResumeFile } from './resume-file.js';
import { shuffled } from './test-fixtures.js';
import type { StorageTorrent } from './torrent.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fileLengths = [1, 0, 16383, 16385, 100000, 250000, 70000, 33333];
const pieceLength = 16384;

let temp: string;
let childScript: string;
let content: Uint8Array;

beforeAll(async () => {
  temp = await makeTempDir('storage-crash-');
  let build: typeof BuildFunction;
  try {
    ({ build } = await import('esbuild'));
  } catch (error) {
    throw new Error('crash tests bundle their child process with esbuild, which comes with tsup: run `npm ci` at the repository root', { cause: error });
  }
  childScript = path.join(temp, 'crash-child.mjs');
  await build({
    entryPoints: [path.join(here, 'crash-child.ts')],
    outfile: childScript,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@typetorrent/source'],
    logLevel: 'silent',
  });
  content = deterministicBytes(fileLengths.reduce((a, b) => a + b, 0), 31);
  await fs.writeFile(path.join(temp, 'content.bin'), content);
});

afterAll(async () => {
  await removeTempDir(temp);
});

interface ChildRun {
  /** Pieces the child reported verified, in order, before it was killed. */
  verified: number[];
  /** How many pieces the last completed resume save covered (0: none completed). */
  savedCount: number;
}

/** Runs the child and kills it with SIGKILL as soon as it has reported `killAfter` verified pieces. */
async function runAndKill(config: CrashChildConfig, killAfter: number): Promise<ChildRun> {
  const configPath = path.join(temp, `config-${path.basename(config.directory)}.json`);
  await fs.writeFile(configPath, JSON.stringify(config));
  const child = spawn(process.execPath, [childScript, configPath], {
    env: { ...process.env, TYPETORRENT_CRASH_CHILD: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: ChildRun = { verified: [], savedCount: 0 };
  let stderr = '';
  let pending = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [word, value] = line.split(' ');
      if (word === 'verified') run.verified.push(Number(value));
      if (word === 'saved') run.savedCount = Number(value);
      if (run.verified.length >= killAfter && child.exitCode === null) child.kill('SIGKILL');
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  if (signal !== 'SIGKILL') throw new Error(`child ended with code ${code} before it was killed: ${stderr}`);
  return run;
}

/** True when the piece's bytes on disk are exactly the content's: read straight from the files. */
async function validOnDisk(torrent: StorageTorrent, directory: string, piece: number): Promise<boolean> {
  for (const slice of torrent.geometry.fileSlices(piece)) {
    const file = path.join(directory, torrent.name, ...torrent.files[slice.fileIndex]!.path);
    const bytes = await fs.readFile(file).catch(() => undefined);
    if (bytes === undefined || bytes.length < slice.fileOffset + slice.length) return false;
    const start = torrent.geometry.pieceOffset(piece) + slice.pieceOffset;
    if (!bytes.subarray(slice.fileOffset, slice.fileOffset + slice.length).equals(content.subarray(start, start + slice.length))) {
      return false;
    }
  }
  return true;
}

describe('crash and resume (SIGKILL)', () => {
  test.each([
    ['early, before the first save completes', 2, 1],
    ['in the middle', 11, 2],
    ['late', 23, 3],
  ])('killed %s: resume data loads, nothing verified is wrong, nothing saved is lost', async (_when, killAfter, seed) => {
    const directory = path.join(temp, `run-${seed}`);
    const infoHashHex = seed.toString(16).padStart(40, '0');
    const config: CrashChildConfig = {
      directory,
      contentPath: path.join(temp, 'content.bin'),
      name: 'crash',
      pieceLength,
      fileLengths,
      infoHashHex,
      order: shuffled([...Array(Math.ceil(content.length / pieceLength)).keys()], seed),
      saveEvery: 4,
    };
    const torrent = crashTorrent(config, content);
    const run = await runAndKill(config, killAfter);

    // The resume record on disk is whole, and every piece it vouches for is right on disk.
    const record = await new ResumeFile(directory, infoHashHex).load();
    if (run.savedCount > 0) expect(record).toBeDefined();
    const recorded = [];
    if (record !== undefined) {
      const decoded = decodeResume(record, { infoHash: torrent.infoHash, pieceCount: torrent.geometry.pieceCount, fileCount: fileLengths.length });
      expect(decoded.ok).toBe(true);
      if (decoded.ok) recorded.push(...decoded.data.verified);
      for (const piece of recorded) expect({ piece, valid: await validOnDisk(torrent, directory, piece) }).toEqual({ piece, valid: true });
    }
    // Pieces covered by a completed save are not lost.
    for (const piece of config.order.slice(0, run.savedCount)) expect(recorded).toContain(piece);

    // A fresh start: every piece it counts verified is right on disk, and saved pieces are kept.
    const store = await PieceStore.open(torrent, {
      storage: await FileStorage.open(torrent, directory),
      resume: new ResumeFile(directory, infoHashHex),
      resumeIntervalMs: 0,
    });
    const verified = [...store.verifiedPieces()];
    for (const piece of verified) expect({ piece, valid: await validOnDisk(torrent, directory, piece) }).toEqual({ piece, valid: true });
    for (const piece of config.order.slice(0, run.savedCount)) expect(verified).toContain(piece);

    // And the download completes from there.
    for (const piece of store.missingPieces()) {
      const start = torrent.geometry.pieceOffset(piece);
      for (let block = 0; block < torrent.geometry.blockCount(piece); block++) {
        const begin = block * 16384;
        await store.addBlock(piece, begin, content.slice(start + begin, start + begin + torrent.geometry.blockSize(piece, block)), 'seed');
      }
    }
    expect(store.complete).toBe(true);
    await store.close();
    for (let piece = 0; piece < torrent.geometry.pieceCount; piece++) expect(await validOnDisk(torrent, directory, piece)).toBe(true);
  });
});
