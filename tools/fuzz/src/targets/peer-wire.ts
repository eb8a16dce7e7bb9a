// @typetorrent/peer-wire's streaming decoder. The same bytes pushed whole, one byte at a time and in
// random chunks must give the same messages and the same error at the same offset; the messages,
// encoded again, must decode to themselves.
//
// Input layout: byte 0 = options (bit 0: starts with a handshake; bits 1-2: fast unset/true/false;
// bits 3-4: extended likewise; bit 5: piece count known), bytes 1-2 = piece count (big-endian),
// byte 3 = seed for the random chunking; the stream follows.
import { WireDecoder, WireError, encodeHandshake, encodeMessage, type WireDecoderOptions, type WireMessage } from '@typetorrent/peer-wire';
import { Rng } from '../rng.js';
import { canonical, errorLabel, expectSame, type FuzzTarget } from '../target.js';

const HEADER = 4;

function tristate(bits: number): boolean | undefined {
  return bits === 1 ? true : bits === 2 ? false : undefined;
}

function optionsOf(input: Uint8Array): WireDecoderOptions {
  const flags = input[0] ?? 0;
  const fast = tristate((flags >> 1) & 3);
  const extended = tristate((flags >> 3) & 3);
  return {
    handshake: (flags & 1) === 1,
    ...(fast === undefined ? {} : { fast }),
    ...(extended === undefined ? {} : { extended }),
    ...((flags & 0x20) !== 0 ? { pieceCount: ((input[1] ?? 0) << 8) | (input[2] ?? 0) } : {}),
  };
}

interface Decoded {
  readonly messages: string[];
  readonly error: string | undefined;
  readonly kinds: Set<string>;
}

/** Decodes `stream` pushed in the given chunk sizes; messages are put in canonical form at once (they may view the chunks). */
function decodeInChunks(stream: Uint8Array, options: WireDecoderOptions, chunkSize: () => number): Decoded {
  const decoder = new WireDecoder(options);
  const messages: string[] = [];
  const kinds = new Set<string>();
  try {
    for (let at = 0; at < stream.length;) {
      const end = Math.min(stream.length, at + Math.max(1, chunkSize()));
      decoder.push(stream.subarray(at, end));
      at = end;
      for (let m = decoder.next(); m !== null; m = decoder.next()) {
        messages.push(canonical(m));
        kinds.add(m.type);
      }
    }
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    return { messages, kinds, error: `${error.code} at ${error.offset} (${error.field})` };
  }
  return { messages, kinds, error: undefined };
}

/** The bytes of one decoded message; an unknown message becomes its id and a zero payload of its length. */
function encodeAgain(message: WireMessage): Uint8Array {
  if (message.type === 'handshake') return encodeHandshake(message);
  if (message.type !== 'unknown') return encodeMessage(message);
  const out = new Uint8Array(5 + message.length);
  new DataView(out.buffer).setUint32(0, message.length + 1);
  out[4] = message.id;
  return out;
}

export const peerWireTarget: FuzzTarget = {
  name: 'peer-wire',
  dictionary: [
    '\x13BitTorrent protocol', '\x00\x00\x00\x00', '\x00\x00\x00\x01', '\x00\x00\x00\x05', '\x00\x00\x00\x0d', '\x00\x00\x40\x09',
    '\x00\x10\x00\x01', '\xff\xff\xff\xff', '\x00', '\x04', '\x05', '\x06', '\x07', '\x08', '\x09', '\x0d', '\x0e', '\x0f', '\x10', '\x11',
    '\x14', '\x15', '\x16', 'd1:md11:ut_metadatai1eee',
  ],
  maxInputLength: 8192,
  run(input) {
    const options = optionsOf(input);
    const stream = input.subarray(HEADER);
    const whole = decodeInChunks(stream, options, () => stream.length);
    const bytewise = decodeInChunks(stream, options, () => 1);
    const rng = new Rng(((input[3] ?? 0) << 16) ^ stream.length);
    const random = decodeInChunks(stream, options, () => 1 + rng.below(rng.oneIn(4) ? 4 : 200));
    expectSame('one byte at a time against one push', [whole.messages, whole.error], [bytewise.messages, bytewise.error]);
    expectSame('random chunks against one push', [whole.messages, whole.error], [random.messages, random.error]);

    // Round trip: every decoded message, encoded and decoded again in one stream.
    const again = new WireDecoder(options);
    const reencoded: string[] = [];
    const first = new WireDecoder(options);
    first.push(stream);
    const originals: WireMessage[] = [];
    try {
      for (let m = first.next(); m !== null; m = first.next()) originals.push(m);
    } catch {
      // The error was compared above; the messages before it still round-trip.
    }
    for (const message of originals) {
      for (const m of again.decode(encodeAgain(message))) reencoded.push(canonical(m));
    }
    expectSame('decode(encode(decode(x)))', whole.messages, reencoded);
    return `${[...whole.kinds].sort().join(',')} ${whole.error === undefined ? 'ok' : whole.error.split(' ')[0]}`;
  },
  expectedError(error) {
    return error instanceof WireError ? errorLabel(error.code, error.field) : undefined;
  },
};
