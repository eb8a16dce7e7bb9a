import { describe, expect, it } from '@jest/globals';
import { displayState } from './snapshot.js';

describe('displayState', () => {
  it('says done or seeding for a finished torrent, and queued while it waits for a seed slot', () => {
    expect(displayState({ done: true }, { state: 'seeding' }, false)).toBe('done');
    expect(displayState({ done: true }, { state: 'downloading' }, true)).toBe('seeding');
    expect(displayState({ done: true }, { state: 'queued' }, true)).toBe('queued');
    expect(displayState({ done: false }, { state: 'queued' }, true)).toBe('queued');
  });
});
