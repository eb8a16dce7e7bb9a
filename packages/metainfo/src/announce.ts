// Fields outside the info dict: trackers (BEP 12), web seeds (BEP 19) and descriptive text. None of
// them affects the data or the info-hash, so a malformed value is dropped with an IGNORED_FIELD
// warning instead of making an otherwise good torrent unreadable.
import { isBytes, isInteger, isList } from '@typetorrent/bencode';
import type { BencodeDict, BencodeValue } from '@typetorrent/bencode';
import { MetainfoError } from './errors.js';
import type { MetainfoWarning } from './errors.js';
import { typeName } from './fields.js';
import { lossyText, preferUtf8Twin } from './text.js';

function ignored(warnings: MetainfoWarning[], field: string, message: string): void {
  warnings.push({ code: 'IGNORED_FIELD', field, message });
}

/** A URL string, trimmed; undefined (with a warning) for anything else. */
function urlAt(value: BencodeValue, field: string, warnings: MetainfoWarning[]): string | undefined {
  if (!isBytes(value)) {
    ignored(warnings, field, `expected a string, got ${typeName(value)}`);
    return undefined;
  }
  const url = lossyText(value, field, warnings).trim();
  return url === '' ? undefined : url;
}

/**
 * Tracker tiers. BEP 12: when `announce-list` is present (and holds at least one URL) it replaces
 * `announce`; otherwise a lone `announce` is one tier. URLs are deduplicated across tiers (the first
 * occurrence wins) and empty tiers dropped. Shuffling within tiers is the announcer's job, not ours.
 * More than `maxTrackers` tiers or URLs is TOO_MANY_TRACKERS, checked before any URL is read.
 */
export function readTrackers(root: BencodeDict, maxTrackers: number, warnings: MetainfoWarning[]): string[][] {
  const seen = new Set<string>();
  const tiers: string[][] = [];
  const list = root.get('announce-list');
  if (list !== undefined && !isList(list)) ignored(warnings, 'announce-list', `expected a list, got ${typeName(list)}`);
  if (isList(list)) {
    checkTrackerCount(list, maxTrackers);
    for (const [t, tier] of list.entries()) {
      if (!isList(tier)) {
        ignored(warnings, `announce-list[${t}]`, `expected a list, got ${typeName(tier)}`);
        continue;
      }
      const urls: string[] = [];
      for (const [u, value] of tier.entries()) {
        const url = urlAt(value, `announce-list[${t}][${u}]`, warnings);
        if (url !== undefined && !seen.has(url)) {
          seen.add(url);
          urls.push(url);
        }
      }
      if (urls.length > 0) tiers.push(urls);
    }
  }
  if (tiers.length > 0) return tiers;
  const announce = root.get('announce');
  const url = announce === undefined ? undefined : urlAt(announce, 'announce', warnings);
  return url === undefined ? [] : [[url]];
}

/**
 * A hostile file can hold a million one-URL tiers in a few MiB; refusing it up front keeps the cost at
 * its decoding. Tiers that are not lists count as one entry each (they are dropped with a warning).
 */
function checkTrackerCount(list: readonly BencodeValue[], maxTrackers: number): void {
  if (list.length > maxTrackers) {
    throw new MetainfoError('TOO_MANY_TRACKERS', 'announce-list', `${list.length} tiers exceeds the limit of ${maxTrackers}`);
  }
  let urls = 0;
  for (const tier of list) urls += isList(tier) ? tier.length : 1;
  if (urls > maxTrackers) {
    throw new MetainfoError('TOO_MANY_TRACKERS', 'announce-list', `${urls} tracker URLs exceeds the limit of ${maxTrackers}`);
  }
}

/** BEP 19 web seeds: `url-list` is one URL string or a list of them (at most `maxWebSeeds`). */
export function readUrlList(root: BencodeDict, maxWebSeeds: number, warnings: MetainfoWarning[]): string[] {
  const value = root.get('url-list');
  if (value === undefined) return [];
  const values = isList(value) ? value : [value];
  if (values.length > maxWebSeeds) {
    throw new MetainfoError('TOO_MANY_WEB_SEEDS', 'url-list', `${values.length} entries exceeds the limit of ${maxWebSeeds}`);
  }
  // A set, not urls.includes: that made a long list quadratic.
  const urls = new Set<string>();
  for (const [i, item] of values.entries()) {
    const url = urlAt(item, isList(value) ? `url-list[${i}]` : 'url-list', warnings);
    if (url !== undefined) urls.add(url);
  }
  return [...urls];
}

/** An optional text field such as `comment` or `created by`, preferring its `.utf-8` twin. */
export function readOptionalText(root: BencodeDict, key: string, warnings: MetainfoWarning[]): string | undefined {
  const value = root.get(key);
  if (value === undefined) return undefined;
  if (!isBytes(value)) {
    ignored(warnings, key, `expected a string, got ${typeName(value)}`);
    return undefined;
  }
  return preferUtf8Twin(root, key, value, key, warnings);
}

/** `creation date`: seconds since the Unix epoch; dropped if it is not a representable date. */
export function readCreationDate(root: BencodeDict, warnings: MetainfoWarning[]): Date | undefined {
  const value = root.get('creation date');
  if (value === undefined) return undefined;
  if (!isInteger(value)) {
    ignored(warnings, 'creation date', `expected an integer, got ${typeName(value)}`);
    return undefined;
  }
  // Date holds +-8.64e15 ms; anything beyond is not a real creation date.
  const date = typeof value === 'number' ? new Date(value * 1000) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    ignored(warnings, 'creation date', `${value} seconds is not a representable date`);
    return undefined;
  }
  return date;
}
