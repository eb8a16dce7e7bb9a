import { describe, expect, test } from '@jest/globals';
import { StorageError, throwIfAborted, toStorageError } from './errors.js';

function systemError(code: string): Error {
  return Object.assign(new Error(`${code}: system error`), { code });
}

describe('toStorageError', () => {
  test.each([
    ['ENOSPC', 'DISK_FULL'],
    ['EDQUOT', 'DISK_FULL'],
    ['EACCES', 'PERMISSION_DENIED'],
    ['EPERM', 'PERMISSION_DENIED'],
    ['EROFS', 'PERMISSION_DENIED'],
    ['EISDIR', 'NOT_A_FILE'],
    ['ENOTDIR', 'NOT_A_FILE'],
    ['ENOENT', 'NOT_FOUND'],
    ['ELOOP', 'UNSAFE_PATH'],
    ['EIO', 'IO'],
  ])('maps %s to %s, keeping the path and the cause', (system, code) => {
    const cause = systemError(system);
    const error = toStorageError(cause, '/data/x.bin', 4);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code, path: '/data/x.bin', piece: 4, cause });
    expect(error.message).toContain('/data/x.bin');
  });

  test('a StorageError keeps its code and path, and gains the piece only when it had none', () => {
    const original = new StorageError('DISK_FULL', 'disk full', { path: '/a' });
    expect(toStorageError(original, '/b')).toBe(original);
    const withPiece = toStorageError(original, '/b', 7);
    expect(withPiece).toMatchObject({ code: 'DISK_FULL', path: '/a', piece: 7, reason: 'disk full' });
    expect(withPiece.message).toBe('disk full (/a, piece 7)');
    expect(toStorageError(withPiece, '/c', 8)).toBe(withPiece);
  });

  test('a thrown non-error becomes IO', () => {
    expect(toStorageError('odd', undefined)).toMatchObject({ code: 'IO', path: undefined });
  });
});

test('throwIfAborted throws ABORTED with the signal reason as cause', () => {
  const controller = new AbortController();
  expect(() => throwIfAborted(controller.signal)).not.toThrow();
  controller.abort(new Error('stop'));
  expect(() => throwIfAborted(controller.signal)).toThrow(expect.objectContaining({ code: 'ABORTED', cause: controller.signal.reason }));
});
