import { describe, expect, it } from '@jest/globals';
import { defaultStateDir, resumeDirIn } from './state-dir.js';

describe('state folder', () => {
  it('follows XDG_STATE_HOME when it is an absolute path', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/var/state' }, '/home/u')).toBe('/var/state/typetorrent');
  });

  it('falls back to ~/.local/state (a relative XDG_STATE_HOME is ignored, as the spec says)', () => {
    expect(defaultStateDir({}, '/home/u')).toBe('/home/u/.local/state/typetorrent');
    expect(defaultStateDir({ XDG_STATE_HOME: 'rel' }, '/home/u')).toBe('/home/u/.local/state/typetorrent');
  });

  it('keeps resume records in a folder of their own', () => {
    expect(resumeDirIn('/s')).toBe('/s/resume');
  });
});
