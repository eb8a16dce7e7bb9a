// The first bytes of an incoming connection, read until they tell a plaintext BitTorrent handshake
// from an MSE one (usually the very first byte does: 0x13 against a random Diffie-Hellman key).
import { looksLikePlaintextHandshake } from '@typetorrent/mse';
import { EngineError } from '../errors.js';
import type { PeerSocket } from './peer-socket.js';
import { onChunks } from './socket-input.js';

export interface FirstBytes {
  readonly kind: 'plaintext' | 'mse';
  /** Every byte read so far (a copy), to hand to the handshake reader that comes next. */
  readonly bytes: Uint8Array;
}

/** Resolves with the socket paused; rejects with the signal's reason, or SOCKET when the peer leaves. */
export async function readFirstBytes(socket: PeerSocket, signal: AbortSignal, peer: string): Promise<FirstBytes> {
  return await new Promise<FirstBytes>((resolve, reject) => {
    let bytes = new Uint8Array(0);
    const reading = { stop: (): void => undefined };
    const finish = (): void => {
      socket.pause();
      reading.stop();
      socket.off('close', onClose);
      socket.off('error', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onChunk = (chunk: Uint8Array): void => {
      const joined = new Uint8Array(bytes.length + chunk.length);
      joined.set(bytes);
      joined.set(chunk, bytes.length);
      bytes = joined;
      const kind = looksLikePlaintextHandshake(bytes);
      if (kind === 'undecided') return;
      finish();
      resolve({ kind, bytes });
    };
    const onClose = (): void => {
      finish();
      reject(new EngineError('SOCKET', 'connection closed before a handshake', { peer }));
    };
    const onAbort = (): void => {
      finish();
      reject(signal.reason instanceof EngineError ? signal.reason : new EngineError('HANDSHAKE_TIMEOUT', 'no handshake in time', { peer, cause: signal.reason }));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    socket.once('close', onClose);
    socket.once('error', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
    reading.stop = onChunks(socket, onChunk);
    socket.resume();
  });
}
