import { expect, test } from '@jest/globals';
import { decodeHandshake, encodeHandshake, HANDSHAKE_LENGTH } from './handshake.js';
import { createPeerId, parseAzureusPeerId, PEER_ID_PREFIX } from './peer-id.js';
import { decodeReserved, encodeReserved, negotiate } from './reserved.js';
import { concat, hex } from './testing/wire-table.js';

const infoHash = new Uint8Array(20).fill(0xaa);
const peerId = new Uint8Array(20).fill(0x31);

test('the handshake is 19, "BitTorrent protocol", 8 reserved bytes, info-hash and peer id (BEP 3)', () => {
  const bytes = encodeHandshake({ reserved: new Uint8Array(8), infoHash, peerId });
  expect(bytes).toHaveLength(HANDSHAKE_LENGTH);
  expect(bytes).toEqual(concat([hex('13'), new TextEncoder().encode('BitTorrent protocol'), new Uint8Array(8), infoHash, peerId]));
});

test('decodeHandshake returns copies of the fields', () => {
  const bytes = encodeHandshake({ reserved: encodeReserved({ extended: true }), infoHash, peerId });
  const hs = decodeHandshake(bytes);
  bytes.fill(0);
  expect(hs).toEqual({ type: 'handshake', reserved: hex('0000000000100000'), infoHash, peerId });
});

test('encodeHandshake refuses fields of the wrong size', () => {
  expect(() => encodeHandshake({ reserved: new Uint8Array(8), infoHash: new Uint8Array(32), peerId })).toThrow(
    expect.objectContaining({ code: 'invalid-argument', field: 'infoHash' }),
  );
});

test('reserved bits: extension protocol reserved[5] & 0x10, fast reserved[7] & 0x04, DHT reserved[7] & 0x01', () => {
  expect(encodeReserved({ extended: true })).toEqual(hex('00000000 00100000'));
  expect(encodeReserved({ fast: true })).toEqual(hex('00000000 00000004'));
  expect(encodeReserved({ dht: true })).toEqual(hex('00000000 00000001'));
  expect(decodeReserved(hex('ffffffff ffefff fa'))).toEqual({ extended: false, fast: false, dht: false });
  expect(decodeReserved(hex('00000000 00100005'))).toEqual({ extended: true, fast: true, dht: true });
});

test('an extension is on only when both ends set its bit', () => {
  const ours = { extended: true, fast: true, dht: false };
  expect(negotiate(ours, { extended: true, fast: false, dht: true })).toEqual({ extended: true, fast: false, dht: false });
});

test('createPeerId is the Azureus prefix followed by the injected random bytes', () => {
  const id = createPeerId({ random: (bytes) => bytes.fill(7) });
  expect(id).toEqual(concat([new TextEncoder().encode(PEER_ID_PREFIX), new Uint8Array(12).fill(7)]));
  expect(parseAzureusPeerId(id)).toEqual({ client: 'TT', version: '0100' });
});

test('createPeerId draws fresh randomness each time by default', () => {
  expect(createPeerId()).not.toEqual(createPeerId());
});

test('parseAzureusPeerId reads other clients and rejects other styles', () => {
  expect(parseAzureusPeerId(new TextEncoder().encode('-lt20B0-abcdefghijkl'))).toEqual({ client: 'lt', version: '20B0' });
  expect(parseAzureusPeerId(new TextEncoder().encode('M7-2-2--abcdefghijkl'))).toBeUndefined();
});
