// Where a socket's incoming bytes go. By default Node allocates a fresh Buffer for every read (up
// to 64 KiB each: a gigabyte downloaded is sixteen thousand short-lived buffers for the GC). Sockets
// the engine opens read instead into one buffer shared by all of them (net's `onread` option): a
// read's bytes are handed to the socket's handler and must be used up or copied before it returns,
// since the next read, on any socket, overwrites them. Sockets the listen port accepts are moved
// onto such a socket too (`adoptAccepted`). Other streams (uTP, a test's SocketFactory) keep 'data'
// events; handlers treat both the same way.
import net from 'node:net';
import type { DuplexOptions } from 'node:stream';
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
  const input: SharedInput = { handler: undefined, early: [] };
  const socket = new net.Socket(sharedReadOptions(options, input));
  inputs.set(socket, input);
  return socket;
}

/** What an accepted socket is made of, as far as `adoptAccepted` needs to know. */
interface AcceptedInternals {
  /** Node's TCP handle (net.js keeps it in `_handle`; it has no public name). */
  _handle: { readStart?: unknown; readStop?: unknown; useUserBuffer?: unknown } | null;
}

/**
 * Moves a socket a net.Server accepted with `pauseOnConnect` (nothing read yet) onto a new socket
 * reading into the shared buffer, and returns the new one; the given socket must not be used after.
 * Node offers no public way to give an accepted socket `onread`: its server builds every socket
 * itself. The new socket is built over the accepted one's TCP handle (the constructor's `handle`
 * option, which net.Server itself uses; `onread` then applies as on a dialled socket), and the old
 * one, its handle taken away, is destroyed, which closes no descriptor and tells the server the
 * connection is off its books (the session closes its connections itself). Where the handle is not
 * what this expects (another Node) the accepted socket is returned as it is: it reads through 'data'
 * events, as every accepted socket did before.
 */
export function adoptAccepted(socket: net.Socket, options: net.SocketConstructorOpts & DuplexOptions = {}): net.Socket {
  const internals = socket as unknown as AcceptedInternals;
  const handle = internals._handle;
  if (handle === null || typeof handle !== 'object' || typeof handle.useUserBuffer !== 'function' || typeof handle.readStart !== 'function' || typeof handle.readStop !== 'function') {
    return socket;
  }
  const input: SharedInput = { handler: undefined, early: [] };
  let adopted: net.Socket;
  try {
    adopted = new net.Socket({ ...sharedReadOptions(options, input), handle } as net.SocketConstructorOpts);
  } catch {
    return socket;
  }
  internals._handle = null;
  socket.destroy();
  inputs.set(adopted, input);
  return adopted;
}

/** Whether `socket` reads into the shared buffer (for tests and benchmarks). */
export function readsShared(socket: PeerSocket): boolean {
  return inputs.has(socket);
}

function sharedReadOptions(options: net.SocketConstructorOpts, input: SharedInput): net.SocketConstructorOpts & { onread: net.OnReadOpts } {
  sharedBuffer ??= new Uint8Array(SHARED_READ_BUFFER_BYTES);
  // The Socket constructor takes `onread` (Node docs); @types/node lists it for connect() only.
  return {
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
}

/**
 * Sends every chunk read from `socket` to `handler` until the returned function is called. The
 * chunk may be reused memory: copy what outlives the call. The caller still resumes and pauses the
 * socket as usual. Chunks read while no handler was set come first, from a microtask. Other
 * streams (uTP streams, sockets of a test's factory) hand over their 'data' events: each a Buffer of its own.
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
