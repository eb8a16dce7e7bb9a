// pread/pwrite loops: the OS may move fewer bytes than asked (signals, some file systems), so one call
// is not enough to read or write a whole range.
import type { FileHandleLike } from './file-system.js';

/** Reads into all of `into` from `position`; returns the bytes read (fewer only at end of file). */
export async function readFully(handle: FileHandleLike, into: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Writes all of `bytes` at `position`. */
export async function writeFully(handle: FileHandleLike, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    // A write that moves nothing would loop for ever; the OS reports real failures as errors.
    if (bytesWritten === 0) throw new Error('write made no progress');
    done += bytesWritten;
  }
}
