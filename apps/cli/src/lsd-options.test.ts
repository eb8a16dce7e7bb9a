import { describe, expect, it } from '@jest/globals';
import { lsdFindsPeers, sessionLsd } from './lsd-options.js';

const base = { lsd: true, announce: true };

describe('LSD options', () => {
  it('are on by default', () => {
    expect(sessionLsd(base, {})).toEqual({});
  });

  it('--no-lsd and --no-announce turn LSD off', () => {
    expect(sessionLsd({ ...base, lsd: false }, {})).toBeUndefined();
    expect(sessionLsd({ ...base, announce: false }, {})).toBeUndefined();
  });

  it('TYPETORRENT_LSD=off (or 0, no, false) turns LSD off; other values leave it on', () => {
    for (const value of ['off', '0', 'NO', ' false ']) expect(sessionLsd(base, { TYPETORRENT_LSD: value })).toBeUndefined();
    expect(sessionLsd(base, { TYPETORRENT_LSD: 'on' })).toEqual({});
  });

  it('find peers only for public torrents', () => {
    const magnet = { infoHash: new Uint8Array(20), infoHashHex: '00'.repeat(20), trackers: [], peers: [], webSeeds: [] } as unknown as Parameters<typeof lsdFindsPeers>[0];
    expect(lsdFindsPeers(magnet, {})).toBe(true);
    expect(lsdFindsPeers({ ...magnet, private: true } as typeof magnet, {})).toBe(false);
    expect(lsdFindsPeers(magnet, undefined)).toBe(false);
  });
});
