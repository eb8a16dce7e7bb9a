import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { fakePieces, sha256, singleInfo, thrown, torrentBytes } from '../test/fixtures.js';
import { encode } from '@typetorrent/bencode';
import { formatMagnet, metainfoToMagnet, parseMagnet } from './magnet.js';
import { parseTorrent } from './parse.js';

const HEX = 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a';
const BASE32 = 'YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK';
const BTMH = `1220${'ab'.repeat(32)}`;

describe('parseMagnet', () => {
  test('reads every BEP 9 parameter', () => {
    const m = parseMagnet(
      `magnet:?xt=urn:btih:${HEX.toUpperCase()}&dn=My+File%20%C3%A9&xl=12345` +
      '&tr=udp%3A%2F%2Ft1%3A80&tr=http://t2/announce&tr.1=udp%3A%2F%2Ft1%3A80' +
      '&ws=http%3A%2F%2Fseed%2Ff&x.pe=10.0.0.1:6881&x.pe=[::1]:51413&x.pe=bad&x.pe=host:0',
    );
    expect(m.infoHashHex).toBe(HEX);
    expect(m.name).toBe('My File \u00e9');
    expect(m.exactLength).toBe(12345);
    expect(m.trackers).toEqual(['udp://t1:80', 'http://t2/announce']);
    expect(m.webSeeds).toEqual(['http://seed/f']);
    expect(m.peers).toEqual(['10.0.0.1:6881', '[::1]:51413']);
    expect(m.multihashes).toEqual([]);
  });

  test('accepts a base32 info-hash', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${BASE32}`).infoHashHex).toBe(HEX);
    expect(parseMagnet(`MAGNET:?xt=URN:BTIH:${BASE32.toLowerCase()}`).infoHashHex).toBe(HEX);
  });

  test('a hybrid magnet keeps both info-hashes', () => {
    const m = parseMagnet(`magnet:?xt=urn:btmh:${BTMH.toUpperCase()}&xt=urn:btih:${HEX}`);
    expect(m.infoHashHex).toBe(HEX);
    expect(m.multihashes).toEqual([BTMH]);
  });

  test.each([
    ['http://example.com/?xt=urn:btih:' + HEX, 'BAD_MAGNET', ''],
    ['magnet:?dn=nothing', 'BAD_MAGNET', 'xt'],
    [`magnet:?xt=urn:btmh:${BTMH}`, 'V2_NOT_SUPPORTED', 'xt'],
    ['magnet:?xt=urn:btih:1234', 'BAD_INFO_HASH', 'xt'],
    [`magnet:?xt=urn:btih:${'z'.repeat(40)}`, 'BAD_INFO_HASH', 'xt'],
    [`magnet:?xt=urn:btih:${HEX}&xt=urn:btih:${'0'.repeat(40)}`, 'BAD_MAGNET', 'xt'],
    [`magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:1114${'00'.repeat(20)}`, 'BAD_MAGNET', 'xt'],
    [`magnet:?xt=urn:btih:${HEX}&dn=%E0%A4%A`, 'BAD_MAGNET', 'dn'],
  ])('%s fails with %s on %j', (uri, code, field) => {
    expect(thrown(() => parseMagnet(uri))).toMatchObject({ code, field });
  });

  test('ignores other networks\' URNs and unknown parameters', () => {
    const m = parseMagnet(`magnet:?xt=urn:ed2k:abc&xt=urn:btih:${HEX}&foo=bar&xl=notanumber`);
    expect(m.infoHashHex).toBe(HEX);
    expect(m.exactLength).toBeUndefined();
  });
});

describe('formatMagnet', () => {
  test('writes hex, encodes values, and parses back to the same link', () => {
    const link = {
      infoHash: parseMagnet(`magnet:?xt=urn:btih:${HEX}`).infoHash,
      name: 'a & b = c+d é',
      trackers: ['udp://t:1/announce?x=1&y=2'],
      webSeeds: ['http://w/'],
      peers: ['[::1]:1'],
      exactLength: 7,
      multihashes: [BTMH],
    };
    const uri = formatMagnet(link);
    expect(uri.startsWith(`magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:${BTMH}&dn=`)).toBe(true);
    expect(parseMagnet(uri)).toEqual({ ...link, infoHashHex: HEX });
  });

  test('round-trips any name and tracker list', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.string(), fc.array(fc.webUrl(), { maxLength: 3 }), (infoHash, name, trackers) => {
        const parsed = parseMagnet(formatMagnet({ infoHash, name, trackers }));
        expect(parsed.infoHash).toEqual(infoHash);
        expect(parsed.name).toBe(name);
        expect(parsed.trackers).toEqual([...new Set(trackers)]);
      }),
    );
  });

  test('metainfoToMagnet carries the v2 info-hash of a hybrid torrent', () => {
    const info = singleInfo({ 'meta version': 2, 'file tree': {} });
    const meta = parseTorrent(torrentBytes(info, { 'announce-list': [['http://a/'], ['http://b/', 'http://a/']] }));
    const m = metainfoToMagnet(meta);
    expect(m.trackers).toEqual(['http://a/', 'http://b/']);
    expect(m.multihashes).toEqual([`1220${Buffer.from(sha256(encode(info))).toString('hex')}`]);
    expect(m.exactLength).toBe(40000);
    expect(parseTorrent(torrentBytes(singleInfo({ pieces: fakePieces(3) }))).infoHashV2).toBeUndefined();
  });
});
