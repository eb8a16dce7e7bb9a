import { describe, expect, test } from '@jest/globals';
import { WireError } from '../errors.js';
import { decodeExtendedHandshake, encodeExtendedHandshake } from './handshake.js';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

test('decodes the items libtorrent sends, keeping unknown keys aside', () => {
  const payload = ascii(
    'd12:complete_agoi-1e1:md11:lt_donthavei7e11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei31235e1:pi6881e4:reqqi500e11:upload_onlyi1e1:v18:libtorrent 2.0.8.06:yourip4:\x7f\x00\x00\x01e',
  );
  const hs = decodeExtendedHandshake(payload);
  expect(hs.m).toEqual(new Map([['lt_donthave', 7], ['ut_metadata', 2], ['ut_pex', 1]]));
  expect(hs).toMatchObject({ metadataSize: 31235, p: 6881, reqq: 500, uploadOnly: true, v: 'libtorrent 2.0.8.0', yourip: Uint8Array.of(127, 0, 0, 1) });
  expect(hs.extra).toEqual(new Map([['complete_ago', -1]]));
});

test('v is UTF-8 (BEP 10 example: µTorrent 1.2)', () => {
  const payload = new Uint8Array([...ascii('d1:md11:LT_metadatai1ee1:v13:'), 0xc2, 0xb5, ...ascii('Torrent 1.2e')]);
  expect(decodeExtendedHandshake(payload).v).toBe('µTorrent 1.2');
});

test('every item is optional', () => {
  expect(decodeExtendedHandshake(ascii('de'))).toEqual({ m: new Map(), extra: new Map() });
});

test('encode then decode gives the same handshake', () => {
  const input = {
    m: { ut_metadata: 3, ut_pex: 1 },
    v: 'TypeTorrent 0.1.0 ✓',
    p: 51413,
    reqq: 250,
    yourip: Uint8Array.of(0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
    metadataSize: 16385,
    uploadOnly: false,
  };
  expect(decodeExtendedHandshake(encodeExtendedHandshake(input))).toEqual({
    ...input,
    m: new Map(Object.entries(input.m)),
    extra: new Map(),
  });
});

test('keys are encoded in sorted order, as bencode requires', () => {
  const text = new TextDecoder().decode(encodeExtendedHandshake({ m: new Map([['ut_pex', 1], ['ut_metadata', 2]]), metadataSize: 5 }));
  expect(text).toBe('d1:md11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei5ee');
});

describe('invalid handshakes are fatal bad-extended-handshake errors', () => {
  test.each([
    ['not bencode', 'd1:m'],
    ['not a dictionary', 'li1ee'],
    ['m is not a dictionary', 'd1:mi1ee'],
    ['an id above 255', 'd1:md6:ut_pexi256eee'],
    ['a negative id', 'd1:md6:ut_pexi-1eee'],
    ['a string id', 'd1:md6:ut_pex1:1ee'],
    ['two extensions sharing an id', 'd1:md1:ai2e1:bi2eee'],
    ['a port of 0', 'd1:pi0ee'],
    ['a port above 65535', 'd1:pi65536ee'],
    ['reqq of 0', 'd4:reqqi0ee'],
    ['v as an integer', 'd1:vi1ee'],
    ['yourip of 5 bytes', 'd6:yourip5:abcdee'],
    ['metadata_size of 0', 'd13:metadata_sizei0ee'],
    ['metadata_size above the cap', 'd13:metadata_sizei67108865ee'],
  ])('%s', (_name, text) => {
    let caught: unknown;
    try {
      decodeExtendedHandshake(ascii(text));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WireError);
    expect(caught).toMatchObject({ code: 'bad-extended-handshake', fatal: true });
  });
});

test('disabled extensions (id 0) may share the id 0', () => {
  expect(decodeExtendedHandshake(ascii('d1:md1:ai0e1:bi0eee')).m).toEqual(new Map([['a', 0], ['b', 0]]));
});

test('maxMetadataSize sets the accepted metadata_size', () => {
  expect(() => decodeExtendedHandshake(ascii('d13:metadata_sizei1001ee'), { maxMetadataSize: 1000 })).toThrow(WireError);
});
