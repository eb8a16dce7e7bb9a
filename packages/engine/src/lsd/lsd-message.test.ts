import { describe, expect, it } from '@jest/globals';
import { EngineError } from '../errors.js';
import { decodeLsdAnnounce, encodeLsdAnnounce, MAX_LSD_INFO_HASHES, MAX_LSD_MESSAGE_BYTES } from './lsd-message.js';

const HASH = '0123456789abcdef0123456789abcdef01234567';
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function decodeError(bytes: Uint8Array): EngineError {
  try {
    decodeLsdAnnounce(bytes);
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('decoded');
}

describe('encodeLsdAnnounce', () => {
  it('writes the BEP 14 message for IPv4 byte for byte', () => {
    const bytes = encodeLsdAnnounce({ port: 6881, infoHashes: [HASH.toUpperCase()], cookie: 'c00k1e' }, 4);
    expect(new TextDecoder().decode(bytes)).toBe(
      `BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: ${HASH}\r\ncookie: c00k1e\r\n\r\n\r\n`,
    );
  });

  it('names the IPv6 group in brackets for IPv6', () => {
    expect(new TextDecoder().decode(encodeLsdAnnounce({ port: 1, infoHashes: [HASH], cookie: undefined }, 6))).toContain('Host: [ff15::efc0:988f]:6771\r\n');
  });

  it('refuses a bad port, info-hash or cookie', () => {
    expect(() => encodeLsdAnnounce({ port: 0, infoHashes: [HASH], cookie: undefined }, 4)).toThrow(EngineError);
    expect(() => encodeLsdAnnounce({ port: 1, infoHashes: ['abc'], cookie: undefined }, 4)).toThrow(EngineError);
    expect(() => encodeLsdAnnounce({ port: 1, infoHashes: [HASH], cookie: 'has space' }, 4)).toThrow(EngineError);
  });
});

describe('decodeLsdAnnounce', () => {
  it('reads back what it encodes', () => {
    const announce = { port: 51413, infoHashes: [HASH], cookie: 'abc123' };
    expect(decodeLsdAnnounce(encodeLsdAnnounce(announce, 4))).toEqual(announce);
  });

  it('reads header names in any case, bare newlines, several info-hashes once each, and no cookie', () => {
    const other = 'f'.repeat(40);
    const message = decodeLsdAnnounce(text(`BT-SEARCH * HTTP/1.1\nHOST: 239.192.152.143:6771\nport: 7000\nINFOHASH: ${HASH.toUpperCase()}\ninfohash: ${other}\nInfohash: ${HASH}\n\n`));
    expect(message).toEqual({ port: 7000, infoHashes: [HASH, other], cookie: undefined });
  });

  it(`keeps at most ${MAX_LSD_INFO_HASHES} info-hashes of one message`, () => {
    const hashes = Array.from({ length: MAX_LSD_INFO_HASHES + 3 }, (_, i) => i.toString(16).padStart(40, '0'));
    const message = decodeLsdAnnounce(text(`BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n${hashes.map((h) => `Infohash: ${h}\r\n`).join('')}\r\n`));
    expect(message.infoHashes).toEqual(hashes.slice(0, MAX_LSD_INFO_HASHES));
  });

  it.each([
    ['another request line', `GET / HTTP/1.1\r\nPort: 1\r\nInfohash: ${HASH}\r\n\r\n`, 'request line'],
    ['no port', `BT-SEARCH * HTTP/1.1\r\nInfohash: ${HASH}\r\n\r\n`, 'Port header missing'],
    ['port 0', `BT-SEARCH * HTTP/1.1\r\nPort: 0\r\nInfohash: ${HASH}\r\n\r\n`, 'Port header'],
    ['port 70000', `BT-SEARCH * HTTP/1.1\r\nPort: 70000\r\nInfohash: ${HASH}\r\n\r\n`, 'Port header'],
    ['a port with letters', `BT-SEARCH * HTTP/1.1\r\nPort: 1x\r\nInfohash: ${HASH}\r\n\r\n`, 'Port header'],
    ['no info-hash', 'BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n\r\n', 'Infohash header missing'],
    ['a short info-hash', 'BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: abcd\r\n\r\n', 'Infohash header'],
    ['a header without a name', `BT-SEARCH * HTTP/1.1\r\n: 1\r\nInfohash: ${HASH}\r\n\r\n`, 'without a name'],
  ])('rejects %s as PROTOCOL', (_name, message, field) => {
    const error = decodeError(text(message));
    expect(error.code).toBe('PROTOCOL');
    expect(error.message).toContain(field);
  });

  it('rejects an oversized datagram before reading it', () => {
    const error = decodeError(new Uint8Array(MAX_LSD_MESSAGE_BYTES + 1));
    expect(error.message).toContain(`more than ${MAX_LSD_MESSAGE_BYTES}`);
  });

  it('throws only EngineError for random bytes', () => {
    let state = 7;
    const next = (): number => (state = (state * 1103515245 + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 500; i++) {
      const bytes = Uint8Array.from({ length: next() * 4 }, next);
      if (i % 2 === 0) bytes.set(text('BT-SEARCH * HTTP/1.1\r\n').subarray(0, bytes.length));
      try {
        decodeLsdAnnounce(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(EngineError);
      }
    }
  });
});
