// Property tests for the BEP 9/10/11 payload codecs: any bytes decode or throw a WireError;
// encoded values decode back to themselves.
import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import { WireError } from '../errors.js';
import { decodeExtendedHandshake, encodeExtendedHandshake } from './handshake.js';
import { decodeUtMetadata, encodeUtMetadata } from './ut-metadata.js';
import { decodeUtPex, encodeUtPex } from './ut-pex.js';
import { formatIp } from '../ip.js';
import { comparable } from '../testing/wire-table.js';

function decodesOrWireError(decodeFn: (bytes: Uint8Array) => unknown, bytes: Uint8Array): void {
  try {
    decodeFn(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(WireError);
  }
}

/** Mostly-bencode noise: random bytes would almost never get past the first byte. */
const bencodeish = fc
  .array(fc.oneof(fc.constantFrom('d', 'e', 'l', 'i1e', 'i-1e', 'i0e', 'i300e', '1:m', '8:msg_type', '5:piece', '10:total_size', '5:added', '6:', '0:', '4:abcd', '13:metadata_size', '6:yourip'), fc.string({ maxLength: 3 })), {
    maxLength: 30,
  })
  .map((parts) => Uint8Array.from(parts.join(''), (c) => c.charCodeAt(0) & 0xff));

const input = fc.oneof(fc.uint8Array({ maxLength: 200 }), bencodeish);

test('payload decoders return a value or throw a WireError for any input', () => {
  fc.assert(
    fc.property(input, (bytes) => {
      decodesOrWireError(decodeExtendedHandshake, bytes);
      decodesOrWireError(decodeUtMetadata, bytes);
      decodesOrWireError(decodeUtPex, bytes);
    }),
    { numRuns: 500 },
  );
});

const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => ({ host: formatIp(b), family: 4 as const }));
// An IPv4-mapped IPv6 address is written (and so counted) as IPv4.
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => ({ host: formatIp(b), family: formatIp(b).includes(':') ? (6 as const) : (4 as const) }));
const peer = fc
  .record({ address: fc.oneof(ipv4, ipv6), port: fc.integer({ min: 0, max: 0xffff }), flags: fc.integer({ min: 0, max: 0x1f }) })
  .map(({ address, port, flags }) => ({ ...address, port, flags }));

test('ut_pex messages round-trip, IPv4 before IPv6 within each list, without port-0 peers', () => {
  fc.assert(
    fc.property(fc.array(peer, { maxLength: 40 }), fc.array(peer, { maxLength: 40 }), (added, dropped) => {
      const decoded = decodeUtPex(encodeUtPex({ added, dropped }));
      const byFamily = <T extends { family: 4 | 6; port: number }>(all: T[]): T[] => {
        const list = all.filter((p) => p.port !== 0);
        return [...list.filter((p) => p.family === 4), ...list.filter((p) => p.family === 6)];
      };
      expect(decoded.added).toEqual(byFamily(added));
      expect(decoded.dropped).toEqual(byFamily(dropped).map((p) => ({ ...p, flags: 0 })));
    }),
  );
});

test('ut_metadata data messages round-trip for every piece of any size', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 100_000 }), fc.nat(), (totalSize, pick) => {
      const pieces = Math.ceil(totalSize / 16384);
      const piece = pick % pieces;
      const data = new Uint8Array(Math.min(16384, totalSize - piece * 16384)).fill(piece & 0xff);
      const decoded = decodeUtMetadata(encodeUtMetadata({ msgType: 'data', piece, totalSize, data }), { metadataSize: totalSize });
      expect(comparable(decoded)).toEqual(comparable({ msgType: 'data', piece, totalSize, data }));
    }),
  );
});

test('extended handshakes round-trip', () => {
  const name = fc.string({ minLength: 1, maxLength: 12 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x'));
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(name, fc.integer({ min: 1, max: 255 })), { selector: ([n]) => n, maxLength: 10 }),
      fc.option(fc.integer({ min: 1, max: 0xffff }), { nil: undefined }),
      fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      (entries, p, v) => {
        // Distinct ids, as BEP 10 requires of one handshake.
        const m = new Map(entries.map(([n], i) => [n, i + 1]));
        const decoded = decodeExtendedHandshake(encodeExtendedHandshake({ m, ...(p === undefined ? {} : { p }), ...(v === undefined ? {} : { v }) }));
        expect(decoded.m).toEqual(m);
        expect(decoded.p).toBe(p);
        // A lone surrogate has no UTF-8 form; everything else must come back as it went in.
        if (v !== undefined && !/[\uD800-\uDFFF]/.test(v)) expect(decoded.v).toBe(v);
      },
    ),
  );
});
