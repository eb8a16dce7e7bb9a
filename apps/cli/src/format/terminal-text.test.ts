import { describe, expect, test } from '@jest/globals';
import { createTorrent, parseMagnet } from '@typetorrent/metainfo';
import { TrackerError, type SurveyOutcome } from '@typetorrent/tracker';
import { peersText } from '../commands/peers.js';
import { magnetInfoText, torrentInfoText } from './info-text.js';
import { jsonText, printable, withoutUrlQueries } from './terminal-text.js';

// ESC (escape sequences: clear the screen, retitle the window, write the clipboard), BEL, CR and LF
// (fake lines), DEL and the C1 range, and the bidi overrides that make 'gpj.exe' read as 'exe.jpg'.
const CONTROL = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

describe('printable', () => {
  test.each([
    ['plain text', 'plain text'],
    ['tab\there', 'tab\\x09here'],
    ['\u001b[2Jcleared', '\\x1b[2Jcleared'],
    ['two\nlines\r', 'two\\x0alines\\x0d'],
    ['del\u007f c1\u009b', 'del\\x7f c1\\x9b'],
    ['photo\u202egpj.exe', 'photo\\u202egpj.exe'],
    ['déjà vu ✓ 日本', 'déjà vu ✓ 日本'],
  ])('%j prints as %j', (text, shown) => {
    expect(printable(text)).toBe(shown);
  });
});

describe('text from a torrent, a magnet or a tracker reaches the terminal without control characters', () => {
  const hostile = '\u001b]0;owned\u0007\u001b[2J\nfake: line';

  test('info on a torrent', async () => {
    const data = new Uint8Array(100);
    const { metainfo } = await createTorrent(
      { kind: 'folder', name: `album${hostile}`, files: [{ path: [`a${hostile}`], length: data.length, read: async function* () { yield data; } }] },
      { trackers: [[`http://t.example/announce`]], comment: hostile, createdBy: hostile, webSeeds: [`http://w.example/${hostile}`] },
    );
    const lines = torrentInfoText(metainfo);
    for (const line of lines) expect(line).not.toMatch(CONTROL);
    expect(lines).toContain('comment:    \\x1b]0;owned\\x07\\x1b[2J\\x0afake: line');
  });

  test('info on a magnet', () => {
    const magnet = parseMagnet(`magnet:?xt=urn:btih:${'ab'.repeat(20)}&dn=${encodeURIComponent(hostile)}&tr=${encodeURIComponent(`http://t/${hostile}`)}`);
    for (const line of magnetInfoText(magnet)) expect(line).not.toMatch(CONTROL);
  });

  test('peers: tracker URLs, refusals, warnings and errors', () => {
    const outcomes: SurveyOutcome[] = [
      { url: `http://a/${hostile}`, tier: 0, status: 'refused', reason: hostile },
      { url: 'http://b/announce', tier: 0, status: 'announced', result: { ok: true, peers: [], warning: hostile } },
      { url: 'http://c/announce', tier: 1, status: 'failed', error: new TrackerError('MALFORMED_RESPONSE', hostile) },
      { url: `ws://d/${hostile}`, tier: 1, status: 'unsupported' },
    ];
    const lines = peersText('ab'.repeat(20), 'announce', outcomes, []);
    for (const line of lines) expect(line).not.toMatch(CONTROL);
    expect(lines).toContain('  refused: \\x1b]0;owned\\x07\\x1b[2J\\x0afake: line');
  });
});

describe('jsonText', () => {
  test('escapes DEL, C1 and bidi characters the JSON way, so the line parses back to the same text', () => {
    const value = { name: 'a\u001b[2J\u0007\r\n\u007f\u009b\u202e\u2066b', n: 1 };
    const line = jsonText(value);
    expect(line).not.toMatch(CONTROL);
    expect(line).toContain('\\u009b\\u202e\\u2066');
    expect(JSON.parse(line)).toEqual(value);
    expect(JSON.parse(jsonText(value, 2))).toEqual(value);
  });
});

describe('withoutUrlQueries', () => {
  test('drops the query (peer id, key) of every http, https and udp URL in a message, keeping the rest', () => {
    const message =
      'tracker http://t.example:6969/announce: HTTP status 500 (http://t.example:6969/announce?info_hash=%AB&peer_id=-TT0100-abcdefghijkl&key=1234&port=6881)';
    expect(withoutUrlQueries(message)).toBe('tracker http://t.example:6969/announce: HTTP status 500 (http://t.example:6969/announce?…)');
    expect(withoutUrlQueries('udp://u.example:1/announce?x=1 and https://h/a#frag')).toBe('udp://u.example:1/announce?… and https://h/a?…');
    expect(withoutUrlQueries('no URL here?')).toBe('no URL here?');
    expect(withoutUrlQueries('http://h/a?k=1: failed, http://h/b?…: kept')).toBe('http://h/a?…: failed, http://h/b?…: kept');
  });
});
