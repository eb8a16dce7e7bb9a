// One torrent's progress as a line that fits the terminal: the figures (percent, state, sizes,
// rates, peers, ETA) are kept whole and the name is shortened to make room. Only when even a short
// name does not fit are whole figures left out, least useful first (bar, DHT nodes, ratio, sizes,
// upload rate).
import { formatBytes } from '../format/size.js';
import { printable } from '../format/terminal-text.js';
import { dhtText, formatEta, formatRate, percentOf, peersText, ratioText, type TransferSnapshot } from './figures.js';

/** The name keeps at least this many columns before any figure is left out. */
export const MIN_NAME_COLUMNS = 12;
/** The bar is drawn only when the line has room for it beside a name this wide. */
const BAR_WITH_NAME_COLUMNS = 20;
const BAR_COLUMNS = 20;

interface Segment {
  readonly text: string;
  /** Lower is left out first; undefined: never left out. */
  readonly drop?: number;
}

function segmentsOf(s: TransferSnapshot): Segment[] {
  const segments = figureSegments(s);
  // The DHT's size says whether peers can be found without trackers; it goes first when space is short.
  return s.dhtNodes === undefined || s.state === 'checking' ? segments : [...segments, { text: dhtText(s.dhtNodes), drop: 0 }];
}

function figureSegments(s: TransferSnapshot): Segment[] {
  if (s.state === 'fetching-metadata') return [{ text: 'fetching metadata' }, { text: peersText(s.peers) }];
  const percent = `${percentOf(s).toFixed(1)}%`;
  if (s.state === 'checking' || s.state === 'queued') return [{ text: s.state }, { text: percent }];
  if (s.state === 'seeding' || s.state === 'done') {
    return [
      { text: s.state },
      { text: formatBytes(s.wantedBytes), drop: 3 },
      { text: `↑${formatRate(s.uploadRate)}` },
      { text: `uploaded ${formatBytes(s.uploaded)}`, drop: 2 },
      { text: peersText(s.peers) },
      { text: `ratio ${ratioText(s)}`, drop: 1 },
    ];
  }
  return [
    { text: percent },
    { text: s.state },
    { text: `${formatBytes(s.wantedBytes - s.leftBytes)}/${formatBytes(s.wantedBytes)}`, drop: 2 },
    { text: `↓${formatRate(s.downloadRate)}` },
    { text: `↑${formatRate(s.uploadRate)}`, drop: 3 },
    { text: peersText(s.peers) },
    { text: `ETA ${formatEta(s.eta)}` },
    { text: `ratio ${ratioText(s)}`, drop: 1 },
  ];
}

/** Code points, so a name is never cut inside a surrogate pair. */
function shorten(text: string, columns: number): string {
  const chars = [...text];
  if (chars.length <= columns) return text.padEnd(columns + text.length - chars.length);
  return columns <= 1 ? '…'.slice(0, columns) : `${chars.slice(0, columns - 1).join('')}…`;
}

function bar(s: TransferSnapshot): string {
  const filled = Math.round((percentOf(s) / 100) * BAR_COLUMNS);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_COLUMNS - filled)}]`;
}

/**
 * The line for `columns` columns: at most `columns` characters (the figures are ASCII but for the
 * two arrows, each one column wide). The name is made printable first (terminal-text.ts).
 */
export function barLine(s: TransferSnapshot, columns: number): string {
  const name = printable(s.name);
  let segments = segmentsOf(s);
  const figuresWidth = (list: readonly Segment[]): number => list.reduce((n, seg) => n + 1 + seg.text.length, 0);
  const withBar = s.state !== 'fetching-metadata' && columns - figuresWidth(segments) - BAR_COLUMNS - 3 >= BAR_WITH_NAME_COLUMNS;
  const barText = withBar ? ` ${bar(s)}` : '';
  while (columns - figuresWidth(segments) - barText.length < MIN_NAME_COLUMNS) {
    const droppable = segments.filter((seg) => seg.drop !== undefined);
    if (droppable.length === 0) break;
    const lowest = Math.min(...droppable.map((seg) => seg.drop!));
    segments = segments.filter((seg) => seg.drop !== lowest);
  }
  const figures = segments.map((seg) => seg.text).join(' ');
  const nameColumns = Math.max(1, columns - 1 - figures.length - barText.length);
  const line = `${shorten(name, nameColumns)}${barText} ${figures}`;
  // A terminal narrower than the figures themselves: cut at the edge rather than wrap.
  return [...line].length > columns ? [...line].slice(0, columns).join('') : line;
}
