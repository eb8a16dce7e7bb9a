import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { SessionHasher } from './session-hasher.js';

function sha1(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(data).digest());
}

describe('SessionHasher', () => {
  it('hashes small work on the event loop and starts no thread for it', async () => {
    let now = 0;
    const hasher = new SessionHasher(1, { inlineBytesPerSecond: 100_000, now: () => now });
    try {
      const data = Uint8Array.from({ length: 40_000 }, (_, i) => i % 251);
      expect(await hasher.sha1(data)).toEqual(sha1(data));
      expect(await hasher.sha1(data)).toEqual(sha1(data));
      // The budget is per second: the next second has its own.
      now += 1000;
      expect(await hasher.sha1(data)).toEqual(sha1(data));
      const moved = await hasher.sha1Moving(data);
      expect(moved.data).toBe(data); // hashed where it is, not moved
      expect(hasher.started).toBe(false);
    } finally {
      await hasher.close();
    }
  });

  it('starts its thread once a second holds more than the inline budget, and then hashes there', async () => {
    const now = 0;
    const hasher = new SessionHasher(1, { inlineBytesPerSecond: 100_000, now: () => now });
    try {
      const data = Uint8Array.from({ length: 40_000 }, (_, i) => i % 251);
      await hasher.sha1(data);
      await hasher.sha1(data);
      expect(hasher.started).toBe(false);
      expect(await hasher.sha1(data)).toEqual(sha1(data)); // 120,000 bytes in this second
      expect(hasher.started).toBe(true);
      const moved = await hasher.sha1Moving(Uint8Array.from(data));
      expect(moved.digest).toEqual(sha1(data));
    } finally {
      await hasher.close();
    }
  });

  it('sends a piece larger than the inline budget to the thread at once', async () => {
    const hasher = new SessionHasher(1, { inlineBytesPerSecond: 1000, now: () => 0 });
    try {
      const data = Uint8Array.from({ length: 1001 }, (_, i) => i % 13);
      expect(await hasher.sha1(data)).toEqual(sha1(data));
      expect(hasher.started).toBe(true);
    } finally {
      await hasher.close();
    }
  });

  it('moves a piece buffer to the thread and back', async () => {
    const hasher = new SessionHasher(1, { inlineBytesPerSecond: 0 });
    try {
      const data = Uint8Array.from({ length: 65_536 }, (_, i) => (i * 7) % 256);
      const expected = sha1(data);
      const back = await hasher.sha1Moving(data);
      expect(back.digest).toEqual(expected);
      expect(sha1(back.data)).toEqual(expected);
    } finally {
      await hasher.close();
    }
  });

  it('refuses work once closed, with CLOSED', async () => {
    const hasher = new SessionHasher(1);
    await hasher.close();
    await expect(hasher.sha1(new Uint8Array(4))).rejects.toMatchObject({ code: 'CLOSED' });
    const threaded = new SessionHasher(1, { inlineBytesPerSecond: 0 });
    await threaded.sha1(new Uint8Array(4));
    await threaded.close();
    await expect(threaded.sha1(new Uint8Array(4))).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('needs at least one thread', () => {
    expect(() => new SessionHasher(0)).toThrow(RangeError);
  });

  it('hashes on the event loop when its threads cannot start', async () => {
    const hasher = new SessionHasher(1, { source: 'this is not javascript', inlineBytesPerSecond: 0 });
    try {
      const data = Uint8Array.from({ length: 1000 }, (_, i) => i % 7);
      // The first piece is lost with the thread (the store fetches it again); later ones are hashed.
      await hasher.sha1(data).catch(() => undefined);
      for (let turn = 0; !hasher.fellBack && turn < 100; turn++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(hasher.fellBack).toBe(true);
      expect(await hasher.sha1(data)).toEqual(sha1(data));
      const moved = await hasher.sha1Moving(data);
      expect(moved.digest).toEqual(sha1(data));
      expect(moved.data).toBe(data);
    } finally {
      await hasher.close();
    }
  });
});
