// GET /api/v1/torrents/:infoHash/files/:index: a file's bytes with HTTP Range (206, Accept-Ranges),
// also while the torrent downloads. The answer's headers go out at once; each piece of the range is
// sent as soon as it can be read (piece-watch.ts), so a <video> plays what has arrived and waits
// for the rest. While a torrent is not done, the engine fetches the pieces of the requested range
// first, in order (stream-priority.ts), so a seek ahead does not wait for the pieces before it.
import fs from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { ApiError, notFound } from './api-error.js';
import { contentTypeOf, parseRange } from './byte-range.js';
import { SECURITY_HEADERS } from './http-io.js';
import { PieceWatch } from './piece-watch.js';
import type { RouteContext, RouteResult } from './router.js';
import { StreamPriority } from './stream-priority.js';
import type { TorrentRegistry } from './torrent-registry.js';

/** Bytes read from disk per write to the client. */
const CHUNK = 256 * 1024;

export function createFileStreamer(registry: TorrentRegistry): (ctx: RouteContext) => Promise<RouteResult> {
  const watches = new Map<string, PieceWatch>();
  const priority = new StreamPriority();
  registry.on('removed', (hash) => {
    watches.get(hash)?.dispose();
    watches.delete(hash);
  });
  return async ({ req, res, params }) => {
    const entry = registry.entry(params['infoHash']!);
    const { torrent, record } = entry;
    const metainfo = torrent.metainfo;
    if (metainfo === undefined) throw new ApiError(409, 'CONFLICT', 'the file list is not known yet (the metadata is being fetched)');
    const index = Number(params['index']);
    const file = metainfo.files[index];
    if (file === undefined || file.padding) throw notFound(`${metainfo.name} has no file ${index}`);
    const range = parseRange(req.headers.range, file.length);
    if (range.kind === 'unsatisfiable') {
      throw Object.assign(new ApiError(416, 'RANGE_NOT_SATISFIABLE', `the file has ${file.length} bytes`), { contentRange: `bytes */${file.length}` });
    }
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : file.length - 1;
    const name = file.path.at(-1)!;
    // A skipped file is not written to disk: streaming it makes it wanted. Before the answer starts,
    // so a client that sees the headers also sees the new priority.
    if (req.method !== 'HEAD' && (record.filePriorities?.[index] ?? 4) === 0) await registry.wantFile(record.infoHash, index);
    res.writeHead(range.kind === 'partial' ? 206 : 200, {
      ...SECURITY_HEADERS,
      'accept-ranges': 'bytes',
      'content-type': contentTypeOf(name),
      'content-length': String(Math.max(0, end - start + 1)),
      ...(range.kind === 'partial' ? { 'content-range': `bytes ${start}-${end}/${file.length}` } : {}),
      'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(name)}`,
      // The file is not ours: whatever it is, it runs nowhere in the daemon's origin.
      'content-security-policy': 'sandbox; default-src \'none\'; media-src \'self\'; img-src \'self\'; style-src \'unsafe-inline\'',
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD' || file.length === 0) {
      res.end();
      return 'handled';
    }
    // Node holds headers back until the first body write: a player waiting on pieces needs them now.
    res.flushHeaders();
    let watch = watches.get(record.infoHash);
    if (watch === undefined) {
      watch = new PieceWatch(torrent, metainfo, record.savePath);
      watches.set(record.infoHash, watch);
    }
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    let release = (): void => undefined;
    try {
      release = priority.claim(torrent, index, start, end);
      await sendRange(res, watch, { index, fileOffset: file.offset, pieceLength: metainfo.pieceLength, start, end }, aborted.signal);
      res.end();
    } catch {
      // Headers are out: a failure can only cut the answer short, which players notice and retry.
      res.destroy();
    } finally {
      release();
    }
    return 'handled';
  };
}

interface Span {
  readonly index: number;
  /** Where the file starts in the torrent's data. */
  readonly fileOffset: number;
  readonly pieceLength: number;
  /** Inclusive byte offsets inside the file. */
  readonly start: number;
  readonly end: number;
}

async function sendRange(res: ServerResponse, watch: PieceWatch, span: Span, signal: AbortSignal): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    for (let position = span.start; position <= span.end; ) {
      const piece = Math.floor((span.fileOffset + position) / span.pieceLength);
      const pieceEnd = Math.min((piece + 1) * span.pieceLength - 1 - span.fileOffset, span.end);
      await watch.whenReadable(piece, signal);
      // The file exists once a piece of it is written.
      handle ??= await fs.open(watch.filePath(span.index), 'r');
      while (position <= pieceEnd) {
        const length = Math.min(CHUNK, pieceEnd - position + 1);
        const buffer = new Uint8Array(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        if (bytesRead !== length) throw new Error('short read');
        if (signal.aborted) throw new Error('aborted');
        if (!res.write(buffer)) await drained(res, signal);
        position += length;
      }
    }
  } finally {
    await handle?.close();
  }
}

async function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      res.off('drain', done);
      signal.removeEventListener('abort', fail);
      resolve();
    };
    const fail = (): void => {
      res.off('drain', done);
      reject(new Error('aborted'));
    };
    res.once('drain', done);
    signal.addEventListener('abort', fail, { once: true });
  });
}
