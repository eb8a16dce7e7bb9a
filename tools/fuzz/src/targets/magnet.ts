// @typetorrent/metainfo parseMagnet, with formatMagnet as the encoder: parse(format(parse(x))) = parse(x).
import { MetainfoError, formatMagnet, parseMagnet, type MagnetLink } from '@typetorrent/metainfo';
import { bucket, errorLabel, expectSame, type FuzzTarget } from '../target.js';

const text = new TextDecoder();
const KNOWN_FIELDS = new Set(['', 'xt', 'dn', 'tr', 'ws', 'x.pe', 'xl', 'parameter name']);

function shape(m: MagnetLink): string {
  return `dn:${m.name !== undefined} tr:${bucket(m.trackers.length)} ws:${bucket(m.webSeeds.length)} pe:${bucket(m.peers.length)} xl:${m.exactLength !== undefined} mh:${bucket(m.multihashes.length)}`;
}

export const magnetTarget: FuzzTarget = {
  name: 'magnet',
  dictionary: [
    'magnet:?', 'MAGNET:?', 'xt=urn:btih:', 'xt=urn:btmh:1220', 'xt=urn:ed2k:', '&', '=', 'dn=', 'tr=', 'tr.1=', 'ws=',
    'x.pe=', 'xl=', 'so=', '%', '%2', '%00', '%ff', '%e2%80%ae', '+', '[::1]:6881', '127.0.0.1:6881', ':0', ':65536',
    'c12fe1c06bba254a9dc9f519b335aa7c1367a88a', 'YSX6BQDLXISUTHOJ6UM3GNNKPQTTPKEK', 'http://t.example/announce',
  ],
  run(input) {
    const link = parseMagnet(text.decode(input));
    const again = parseMagnet(formatMagnet(link));
    expectSame('parseMagnet(formatMagnet(parseMagnet(x)))', link, again);
    return shape(link);
  },
  expectedError(error) {
    // The field of a magnet error can be a parameter name from the input: label only the known ones,
    // or every distinct junk name would count as new.
    return error instanceof MetainfoError ? errorLabel(error.code, KNOWN_FIELDS.has(error.field) ? error.field : 'other') : undefined;
  },
};
