// The daemon's API token: 32 random bytes (base64url) in STATE/api-token, mode 0600, made on the
// first start and read on every later one. Requests carry it as `Authorization: Bearer <token>`;
// the comparison takes the same time whatever the first differing byte is.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

export const TOKEN_FILE = 'api-token';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

export interface ApiToken {
  readonly token: string;
  /** True when this start made the token (the first start with this state folder). */
  readonly created: boolean;
  readonly file: string;
}

export async function loadOrCreateToken(stateDir: string): Promise<ApiToken> {
  const file = path.join(stateDir, TOKEN_FILE);
  try {
    const text = (await fs.readFile(file, 'utf8')).trim();
    if (TOKEN_PATTERN.test(text)) {
      // Someone may have loosened it; the token is a password.
      await fs.chmod(file, 0o600);
      return { token: text, created: false, file };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Missing or not a token we would have written: a fresh one.
  const token = randomBytes(32).toString('base64url');
  await writeFileAtomic(file, `${token}\n`, { mode: 0o600 });
  return { token, created: true, file };
}

/** Constant-time check of an `Authorization` header against the token. */
export function authorizationMatches(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (m === null) return false;
  // Digests make both sides the same length, so the length of the guess leaks nothing either.
  const given = createHash('sha256').update(m[1]!).digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected);
}

/**
 * The key of a file's stream URL (`...files/:index?key=`), for what cannot send headers (a
 * `<video src>`, a download link): it opens that one file and nothing else, and reveals nothing of
 * the token.
 */
export function fileKey(token: string, infoHash: string, index: number): string {
  return createHmac('sha256', token).update(`file:${infoHash.toLowerCase()}:${index}`).digest('base64url').slice(0, 32);
}

const FILE_PATH = /^\/api\/v1\/torrents\/([0-9a-fA-F]{40})\/files\/(\d{1,9})$/;

/** A GET of a file's data with that file's key. */
export function fileKeyMatches(token: string, pathname: string, key: string | null): boolean {
  const m = FILE_PATH.exec(pathname);
  if (m === null || key === null) return false;
  const expected = createHash('sha256').update(fileKey(token, m[1]!, Number(m[2]))).digest();
  return timingSafeEqual(createHash('sha256').update(key).digest(), expected);
}
