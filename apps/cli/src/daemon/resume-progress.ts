// Verified bytes of a torrent from its resume record, without opening it: what a paused torrent
// shows after a restart (the engine knows its pieces only once it checks, which a paused torrent
// does not do until resumed).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Metainfo } from '@typetorrent/metainfo';
import { decodeResume } from '@typetorrent/storage';

export async function verifiedBytesFromResume(resumeDir: string, metainfo: Metainfo): Promise<number | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path.join(resumeDir, `${metainfo.infoHashHex}.resume`));
  } catch {
    return undefined;
  }
  const decoded = decodeResume(bytes, { infoHash: metainfo.infoHash, pieceCount: metainfo.pieceCount, fileCount: metainfo.files.length });
  if (!decoded.ok) return undefined;
  let total = 0;
  for (let piece = 0; piece < metainfo.pieceCount; piece++) if (decoded.data.verified.has(piece)) total += metainfo.geometry.pieceSize(piece);
  return total;
}
