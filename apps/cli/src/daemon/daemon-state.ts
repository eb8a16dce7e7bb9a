// What the daemon keeps across restarts, in the state folder:
//   daemon.json             settings and the torrent list (written whole, atomically, on each change)
//   torrents/<hash>.torrent the .torrent of each torrent (a magnet's, once its metadata arrived)
//   resume/<hash>.resume    the engine's resume records (which pieces are verified)
// A torrent is written to torrents/ before it joins daemon.json, and leaves daemon.json before its
// file goes, so a crash between the two leaves at most an orphan file, never a listed torrent
// without its source.
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

export const STATE_FILE = 'daemon.json';
export const STATE_VERSION = 1;

export interface SessionLimits {
  /** Bytes per second; 0: unlimited. */
  readonly download: number;
  readonly upload: number;
}

/** Torrents downloading / seeding at once; null: no limit; absent: the engine's default (5 / none). */
export interface ActiveLimitSettings {
  readonly downloads?: number | null;
  readonly seeds?: number | null;
}

export interface DaemonSettings {
  /** Where torrents added without a downloadDir are saved. */
  readonly downloadDir: string;
  readonly limits: SessionLimits;
  readonly activeLimits?: ActiveLimitSettings;
}

export interface TorrentRecord {
  /** 40 lowercase hex digits. */
  readonly infoHash: string;
  /** The magnet it was added from (kept for its trackers and peers until the .torrent is known). */
  readonly magnet?: string;
  readonly savePath: string;
  /** Paused by the user: comes back paused. */
  readonly paused: boolean;
  /** One per file, 0 (skip) to 7; absent: all normal. */
  readonly filePriorities?: readonly number[];
  readonly sequential: boolean;
  /** Milliseconds since the epoch. */
  readonly addedAt: number;
}

export interface DaemonState {
  readonly settings: DaemonSettings;
  readonly torrents: readonly TorrentRecord[];
}

/** A state file the daemon cannot use: it names the file and the field, and is never overwritten. */
export class StateFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}: ${field}: ${problem} (move the file away to start with an empty list)`);
    this.name = 'StateFileError';
  }
}

export function torrentFileIn(stateDir: string, infoHash: string): string {
  return path.join(stateDir, 'torrents', `${infoHash}.torrent`);
}

export async function loadDaemonState(stateDir: string, defaults: DaemonSettings): Promise<DaemonState> {
  const file = path.join(stateDir, STATE_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: defaults, torrents: [] };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(file, '(file)', `not JSON: ${(error as Error).message}`);
  }
  return parseState(json, file, defaults);
}

export async function saveDaemonState(stateDir: string, state: DaemonState): Promise<void> {
  const body = { version: STATE_VERSION, settings: state.settings, torrents: state.torrents };
  await writeFileAtomic(path.join(stateDir, STATE_FILE), `${JSON.stringify(body, null, 1)}\n`);
}

function parseState(json: unknown, file: string, defaults: DaemonSettings): DaemonState {
  const fail = (field: string, problem: string): never => {
    throw new StateFileError(file, field, problem);
  };
  if (!isObject(json)) return fail('(file)', 'not an object');
  if (json['version'] !== STATE_VERSION) return fail('version', `expected ${STATE_VERSION}, found ${JSON.stringify(json['version'])}`);
  const settings = isObject(json['settings']) ? json['settings'] : fail('settings', 'missing');
  const limits = isObject(settings['limits']) ? settings['limits'] : {};
  const downloadDir = typeof settings['downloadDir'] === 'string' ? settings['downloadDir'] : defaults.downloadDir;
  const rate = (v: unknown, field: string): number => (v === undefined ? 0 : isRate(v) ? v : fail(field, 'not a rate in bytes per second'));
  const active = settings['activeLimits'] === undefined ? undefined : isObject(settings['activeLimits']) ? settings['activeLimits'] : fail('settings.activeLimits', 'not an object');
  const activeLimit = (key: 'downloads' | 'seeds'): ActiveLimitSettings => {
    const v = active?.[key];
    if (v === undefined) return {};
    return isActiveLimit(v) ? { [key]: v } : fail(`settings.activeLimits.${key}`, 'not a whole number of at least 1, or null (no limit)');
  };
  const parsedSettings: DaemonSettings = {
    downloadDir,
    limits: { download: rate(limits['download'], 'settings.limits.download'), upload: rate(limits['upload'], 'settings.limits.upload') },
    ...(active === undefined ? {} : { activeLimits: { ...activeLimit('downloads'), ...activeLimit('seeds') } }),
  };
  const list = Array.isArray(json['torrents']) ? (json['torrents'] as unknown[]) : fail('torrents', 'not a list');
  const seen = new Set<string>();
  const torrents = list.map((entry, i): TorrentRecord => {
    const at = `torrents[${i}]`;
    if (!isObject(entry)) return fail(at, 'not an object');
    const infoHash = entry['infoHash'];
    if (typeof infoHash !== 'string' || !/^[0-9a-f]{40}$/.test(infoHash)) return fail(`${at}.infoHash`, 'not 40 lowercase hex digits');
    if (seen.has(infoHash)) return fail(`${at}.infoHash`, 'listed twice');
    seen.add(infoHash);
    const savePath = entry['savePath'];
    if (typeof savePath !== 'string' || !path.isAbsolute(savePath)) return fail(`${at}.savePath`, 'not an absolute path');
    const magnet = entry['magnet'];
    if (magnet !== undefined && (typeof magnet !== 'string' || !magnet.startsWith('magnet:'))) return fail(`${at}.magnet`, 'not a magnet link');
    const priorities = entry['filePriorities'];
    if (priorities !== undefined && !(Array.isArray(priorities) && priorities.every(isPriority))) return fail(`${at}.filePriorities`, 'not a list of priorities 0 to 7');
    const addedAt = typeof entry['addedAt'] === 'number' ? entry['addedAt'] : 0;
    return {
      infoHash,
      ...(typeof magnet === 'string' ? { magnet } : {}),
      savePath,
      paused: entry['paused'] === true,
      ...(priorities === undefined ? {} : { filePriorities: priorities as number[] }),
      sequential: entry['sequential'] === true,
      addedAt,
    };
  });
  return { settings: parsedSettings, torrents };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A saved or requested active limit: a whole number of at least 1, or null for none. */
export function isActiveLimit(v: unknown): v is number | null {
  return v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 1);
}

/** The engine's form: null is Infinity; absent stays absent (the engine default). */
export function engineActiveLimit(v: number | null | undefined): number | undefined {
  return v === null ? Number.POSITIVE_INFINITY : v;
}

export function isRate(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function isPriority(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 7;
}
