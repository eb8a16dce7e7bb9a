// Where a socket's incoming bytes go. By default Node allocates a fresh Buffer for every read (up
// to 64 KiB each: a gigabyte downloaded is sixteen thousand short-lived buffers for the GC). Sockets
// the engine opens read instead into one buffer shared by all of them (net's `onread` option): a
// read's bytes are handed to the socket's handler and must be used up or copied before it returns,
// since the next read, on any socket, overwrites them. Sockets opened elsewhere (accepted by a
// server, or from a test's SocketFactory) keep 'data' events; handlers treat both the same way.
import net from 'node:net';
import type { PeerSocket } from './peer-socket.js';

/**
 * Bytes one read may deliver; Node's own reads are 64 KiB. Larger reads mean fewer callbacks: on the
 * 1 GiB loopback benchmark 1 MiB gave 3.33 s against 3.43 s with 256 KiB (medians of 6, within the
 * noise but not worse); one buffer per process, so the size costs memory once.
 */
export const SHARED_READ_BUFFER_BYTES = 1024 * 1024;

/** Called with each read's bytes; they are valid only until it returns. */
export type ChunkHandler = (chunk: Uint8Array) => void;

interface SharedInput {
  handler: ChunkHandler | undefined;
  /** Reads that came before a handler was set, copied out of the shared buffer. */
  early: Uint8Array[];
}

let sharedBuffer: Uint8Array | undefined;
const inputs = new WeakMap<PeerSocket, SharedInput>();

/** A socket whose reads land in the shared buffer; hand its bytes on with `onChunks`. */
export function createSharedReadSocket(options: net.SocketConstructorOpts = {}): net.Socket {
  sharedBuffer ??= new Uint8Array(SHARED_READ_BUFFER_BYTES);
  const input: SharedInput = { handler: undefined, early: [] };
  // The Socket constructor takes `onread` (Node docs); @types/node lists it for connect() only.
  const socketOptions: net.SocketConstructorOpts & { onread: net.OnReadOpts } = {
    ...options,
    onread: {
      buffer: sharedBuffer,
      callback: (bytes: number, buffer: Uint8Array): boolean => {
        const chunk = buffer.subarray(0, bytes);
        if (input.handler !== undefined) {
          input.handler(chunk);
          return true;
        }
        // Nobody listens yet (the socket connected and read before its owner was ready): keep a
        // copy and stop reading until a handler comes.
        input.early.push(new Uint8Array(chunk));
        return false;
      },
    },
  };
  const socket = new net.Socket(socketOptions);
  inputs.set(socket, input);
  return socket;
}

/**
 * Sends every chunk read from `socket` to `handler` until the returned function is called. The
 * chunk may be reused memory: copy what outlives the call. The caller still resumes and pauses the
 * socket as usual. Chunks read while no handler was set come first, from a microtask. Other
 * streams (accepted TCP sockets, uTP streams) hand over their 'data' events: each a Buffer of its own.
 */
export function onChunks(socket: PeerSocket, handler: ChunkHandler): () => void {
  const input = inputs.get(socket);
  if (input === undefined) {
    socket.on('data', handler);
    return () => socket.off('data', handler);
  }
  input.handler = handler;
  // Early chunks go first, but not from inside this call (the caller is still setting up). Reading
  // stopped when they came, and a resumed socket reads again only after this microtask has run.
  if (input.early.length > 0) queueMicrotask(() => deliverEarly(input, handler));
  return () => {
    if (input.handler === handler) input.handler = undefined;
  };
}

function deliverEarly(input: SharedInput, handler: ChunkHandler): void {
  while (input.handler === handler) {
    const chunk = input.early.shift();
    if (chunk === undefined) return;
    handler(chunk);
  }
}
