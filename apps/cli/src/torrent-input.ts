// Turning a command-line argument into a parsed torrent or magnet, with every failure a one-line
// CliError (EXIT_BAD_INPUT) naming the problem: never a stack trace for a bad file.
import { MetainfoError, parseMagnet, parseTorrent } from '@typetorrent/metainfo';
import type { MagnetLink, Metainfo } from '@typetorrent/metainfo';
import { readTorrentFile } from '@typetorrent/metainfo/node';
import { CliError, EXIT_BAD_INPUT } from './errors.js';
import { fetchTorrentBytes, isHttpUrl } from './torrent-url.js';

export type TorrentInput =
  | { readonly kind: 'torrent'; readonly metainfo: Metainfo }
  | { readonly kind: 'magnet'; readonly magnet: MagnetLink };

/** A magnet URI (anything starting 'magnet:'), an http(s) URL of a .torrent file, or its path. */
export async function loadTorrentInput(source: string, signal?: AbortSignal): Promise<TorrentInput> {
  if (/^magnet:/i.test(source)) {
    try {
      return { kind: 'magnet', magnet: parseMagnet(source) };
    } catch (error) {
      throw badInput('bad magnet link', error);
    }
  }
  if (isHttpUrl(source)) {
    const bytes = await fetchTorrentBytes(source, signal === undefined ? {} : { signal });
    try {
      return { kind: 'torrent', metainfo: parseTorrent(bytes) };
    } catch (error) {
      throw badInput(`${source.replace(/[?#].*$/s, '?…')} (fetched)`, error);
    }
  }
  try {
    return { kind: 'torrent', metainfo: await readTorrentFile(source, signal === undefined ? {} : { signal }) };
  } catch (error) {
    throw badInput(source, error);
  }
}

/** A CliError for an unusable input, or the error itself when it is not about the input. */
export function badInput(what: string, error: unknown): unknown {
  if (error instanceof MetainfoError) return new CliError(`${what}: ${error.message}`, EXIT_BAD_INPUT, { cause: error });
  const reason = fsReason(error);
  return reason === undefined ? error : new CliError(`${what}: ${reason}`, EXIT_BAD_INPUT, { cause: error });
}

function fsReason(error: unknown): string | undefined {
  // Duck-typed: fs errors may come from another realm (a test runner's VM), where instanceof fails.
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a .torrent file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return undefined;
  }
}
