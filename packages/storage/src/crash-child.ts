// The process that crash-resume.test.ts kills with SIGKILL. Not part of the package: the test bundles
// this file with esbuild and runs it with plain node. It downloads a torrent from a content file into
// a folder through the real PieceStore and FileStorage, saving resume data every few pieces, and
// reports on stdout each piece verified and each resume save, so the test can kill it mid-way.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BLOCK_SIZE, PieceGeometry } from '@typetorrent/metainfo';
import { FileStorage } from './file-storage.js';
import { PieceStore } from './piece-store.js';
import { ResumeFile } from './resume-file.js';
import type { StorageTorrent } from './torrent.js';

/** What the test hands over, as a JSON file named by the only argument. */
export interface CrashChildConfig {
  readonly directory: string;
  readonly contentPath: string;
  readonly name: string;
  readonly pieceLength: number;
  readonly fileLengths: readonly number[];
  readonly infoHashHex: string;
  /** Pieces in the order they are downloaded. */
  readonly order: readonly number[];
  /** Save resume data after every this many pieces. */
  readonly saveEvery: number;
}

function sha1(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(bytes).digest());
}

/** The torrent the test also builds: same lengths, same content, so the same hashes. */
export function crashTorrent(config: CrashChildConfig, content: Uint8Array): StorageTorrent {
  let offset = 0;
  const files = config.fileLengths.map((length, index) => {
    const file = { path: [`f${index}.bin`], length, offset, padding: false };
    offset += length;
    return file;
  });
  const geometry = new PieceGeometry(config.pieceLength, offset, files);
  const hashes = Array.from({ length: geometry.pieceCount }, (_, piece) => {
    const start = geometry.pieceOffset(piece);
    return sha1(content.subarray(start, start + geometry.pieceSize(piece)));
  });
  return {
    infoHash: Uint8Array.from(Buffer.from(config.infoHashHex, 'hex')),
    infoHashHex: config.infoHashHex,
    name: config.name,
    isMultiFile: true,
    files,
    geometry,
    pieceHash: (piece) => hashes[piece]!.slice(),
  };
}

async function main(configPath: string): Promise<void> {
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as CrashChildConfig;
  const content = new Uint8Array(readFileSync(config.contentPath));
  const torrent = crashTorrent(config, content);
  const storage = await FileStorage.open(torrent, config.directory);
  const store = await PieceStore.open(torrent, {
    storage,
    resume: new ResumeFile(config.directory, torrent.infoHashHex),
    resumeIntervalMs: 0,
  });
  let done = 0;
  for (const piece of config.order) {
    const start = torrent.geometry.pieceOffset(piece);
    for (let block = 0; block < torrent.geometry.blockCount(piece); block++) {
      const begin = block * BLOCK_SIZE;
      const data = content.slice(start + begin, start + begin + torrent.geometry.blockSize(piece, block));
      await store.addBlock(piece, begin, data, 'seed');
    }
    process.stdout.write(`verified ${piece}\n`);
    if (++done % config.saveEvery === 0) {
      await store.saveResume();
      process.stdout.write(`saved ${done}\n`);
    }
  }
  process.stdout.write('finished\n');
  // Stay alive until killed, like a seeding client.
  setInterval(() => undefined, 60_000);
}

const configPath = process.argv[2];
if (configPath !== undefined && process.env['TYPETORRENT_CRASH_CHILD'] === '1') {
  main(configPath).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
