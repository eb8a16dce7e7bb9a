// Property tests: any message sequence survives any chunking; any bytes give messages or a
// WireError, with the decoder's own buffering bounded by the message caps.
import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import { WireDecoder } from './decoder.js';
import { encodeMessage } from './encode.js';
import { WireError } from './errors.js';
import { encodeHandshake } from './handshake.js';
import type { WireMessage } from './messages.js';
import { comparable, concat } from './testing/wire-table.js';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const triple = fc.record({ index: u32, begin: u32, length: fc.integer({ min: 1, max: 16384 }) });

const messageArb: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.constantFrom<WireMessage>(
    { type: 'keep-alive' },
    { type: 'choke' },
    { type: 'unchoke' },
    { type: 'interested' },
    { type: 'not-interested' },
    { type: 'have-all' },
    { type: 'have-none' },
  ),
  u32.map((index): WireMessage => ({ type: 'have', index })),
  u32.map((index): WireMessage => ({ type: 'suggest-piece', index })),
  u32.map((index): WireMessage => ({ type: 'allowed-fast', index })),
  fc.integer({ min: 0, max: 0xffff }).map((port): WireMessage => ({ type: 'port', port })),
  triple.map((t): WireMessage => ({ type: 'request', ...t })),
  triple.map((t): WireMessage => ({ type: 'cancel', ...t })),
  triple.map((t): WireMessage => ({ type: 'reject-request', ...t })),
  fc.uint8Array({ maxLength: 64 }).map((bytes): WireMessage => ({ type: 'bitfield', bytes })),
  fc
    .record({ index: u32, begin: u32, block: fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.constant(new Uint8Array(16384).fill(7))) })
    .map((p): WireMessage => ({ type: 'piece', ...p })),
  fc.record({ id: fc.integer({ min: 0, max: 255 }), payload: fc.uint8Array({ maxLength: 300 }) }).map((e): WireMessage => ({ type: 'extended', ...e })),
);

const chunkSizes = fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 40 });

/** Pushes `bytes` in chunks of `sizes` (cycled); collects messages until the end or a WireError. */
function run(decoder: WireDecoder, bytes: Uint8Array, sizes: readonly number[]): { messages: WireMessage[]; error?: WireError } {
  const messages: WireMessage[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    try {
      messages.push(...decoder.decode(bytes.subarray(at, at + size)));
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      return { messages, error };
    }
    at += size;
  }
  return { messages };
}

test('any message sequence comes back unchanged from any chunking', () => {
  const handshake = encodeHandshake({ reserved: new Uint8Array(8), infoHash: new Uint8Array(20).fill(1), peerId: new Uint8Array(20).fill(2) });
  fc.assert(
    fc.property(fc.array(messageArb, { maxLength: 30 }), chunkSizes, (messages, sizes) => {
      const stream = concat([handshake, ...messages.map(encodeMessage)]);
      const result = run(new WireDecoder({ maxRequestLength: 16384 }), stream, sizes);
      expect(result.error).toBeUndefined();
      expect(result.messages.slice(1).map(comparable)).toEqual(messages.map(comparable));
      expect(result.messages[0]?.type).toBe('handshake');
    }),
    { numRuns: 150 },
  );
});

const smallLimits = { maxMessageLength: 4096, maxBlockLength: 2048, maxExtendedLength: 1024, maxUnknownLength: 512 };
const bound = Math.max(68, smallLimits.maxMessageLength);

test('random bytes give messages or a WireError, and the decoder buffers no more than one capped message', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 5000 }), chunkSizes, fc.boolean(), (bytes, sizes, handshake) => {
      const decoder = new WireDecoder({ ...smallLimits, handshake });
      const { messages } = run(decoder, bytes, sizes);
      // Every message but keep-alive costs at least 5 bytes: time is linear in the input.
      expect(messages.length).toBeLessThanOrEqual(bytes.length / 4 + 1);
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(bound);
    }),
    { numRuns: 300 },
  );
});

// Random bytes rarely form a frame; these look like frames (small lengths, real and unknown ids)
// with random bodies, which reaches the length rules and body parsers far more often.
const frameArb = fc
  .record({ id: fc.integer({ min: 0, max: 24 }), body: fc.uint8Array({ maxLength: 40 }), lie: fc.integer({ min: -2, max: 2 }) })
  .map(({ id, body, lie }) => {
    const frame = new Uint8Array(5 + body.length);
    new DataView(frame.buffer).setUint32(0, Math.max(0, body.length + 1 + lie));
    frame[4] = id;
    frame.set(body, 5);
    return frame;
  });

test('frame-shaped noise gives messages or a WireError, never anything else', () => {
  fc.assert(
    fc.property(fc.array(frameArb, { maxLength: 40 }), chunkSizes, fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }), (frames, sizes, pieceCount) => {
      const decoder = new WireDecoder({ ...smallLimits, handshake: false, ...(pieceCount === undefined ? {} : { pieceCount }) });
      const { messages, error } = run(decoder, concat(frames), sizes);
      if (error !== undefined) expect(error.fatal).toBe(true);
      for (const m of messages) expect(typeof m.type).toBe('string');
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(bound);
    }),
    { numRuns: 300 },
  );
});
