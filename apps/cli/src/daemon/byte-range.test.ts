import { describe, expect, it } from '@jest/globals';
import { contentTypeOf, parseRange } from './byte-range.js';

describe('Range header', () => {
  it.each([
    ['bytes=0-0', { kind: 'partial', start: 0, end: 0 }],
    ['bytes=10-19', { kind: 'partial', start: 10, end: 19 }],
    ['bytes=90-', { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-1', { kind: 'partial', start: 99, end: 99 }],
    ['bytes=-500', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=50-5000', { kind: 'partial', start: 50, end: 99 }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-1', { kind: 'whole' }],
    ['bytes=0-1,5-6', { kind: 'whole' }],
    ['items=0-1', { kind: 'whole' }],
    ['bytes=-', { kind: 'whole' }],
  ])('%s of a 100-byte file', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });

  it('without a header the whole file', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'whole' });
  });
});

describe('Content-Type', () => {
  it('names media by extension', () => {
    expect(contentTypeOf('Movie.MP4')).toBe('video/mp4');
    expect(contentTypeOf('a.webm')).toBe('video/webm');
    expect(contentTypeOf('song.flac')).toBe('audio/flac');
  });

  it('serves anything that could run script, and the unknown, as bytes', () => {
    for (const name of ['index.html', 'x.htm', 'a.svg', 'b.xml', 'c.js', 'README', 'd.xhtml']) expect(contentTypeOf(name)).toBe('application/octet-stream');
  });
});
