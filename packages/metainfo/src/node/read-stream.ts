// File bytes as an AsyncIterable<Uint8Array> for the pure hashing core, abortable.
import { createReadStream } from 'node:fs';

/** 1 MiB reads: large enough that syscalls do not dominate SHA-1, small enough to bound memory. */
const READ_CHUNK = 1024 * 1024;

export async function* readFileChunks(file: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
  const stream = createReadStream(file, { highWaterMark: READ_CHUNK, ...(signal === undefined ? {} : { signal }) });
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    yield new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
}
