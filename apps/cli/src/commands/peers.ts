// `typetorrent peers <file.torrent | magnet>`: asks every tracker of every tier for peers (an
// announce with `started`, then `stopped` so the tracker forgets us) or, with --scrape, only for the
// counts, and prints each tracker's answer and the union of the peers. The protocol work is
// @typetorrent/tracker's `surveyTrackers`; this module only wires it to a terminal.
import { InvalidArgumentError, type Command } from 'commander';
import { createPeerId } from '@typetorrent/peer-wire';
import { HttpTrackerClient, TrackerClient, UdpTrackerClient, peerKey, surveyTrackers, uniquePeers, withoutSelf } from '@typetorrent/tracker';
import type { Peer, SurveyOutcome } from '@typetorrent/tracker';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE } from '../errors.js';
import { jsonText, printable, withoutUrlQueries } from '../format/terminal-text.js';
import { processTerminal, type Terminal } from '../terminal.js';
import { loadTorrentInput } from '../torrent-input.js';

export interface PeersOptions {
  readonly scrape?: boolean;
  readonly json?: boolean;
  /** The port announced as ours. Default 6881. */
  readonly port?: number;
  /** Seconds each tracker gets per request. Default 15. */
  readonly timeout?: number;
}

export const DEFAULT_PEERS_PORT = 6881;
export const DEFAULT_PEERS_TIMEOUT_S = 15;

/**
 * A magnet without `xl` does not say how big the torrent is. `left` must still not be 0, or the
 * tracker would count us as a seeder; any positive value makes us a leecher.
 */
const UNKNOWN_LEFT = 1;

export async function runPeers(source: string, options: PeersOptions, terminal: Terminal, signal?: AbortSignal): Promise<void> {
  const input = await loadTorrentInput(source, signal);
  const torrent =
    input.kind === 'torrent'
      ? { infoHash: input.metainfo.infoHash, infoHashHex: input.metainfo.infoHashHex, tiers: input.metainfo.announce, left: input.metainfo.totalLength }
      : // A magnet's `tr` values carry no tiers; they are asked all the same.
        { infoHash: input.magnet.infoHash, infoHashHex: input.magnet.infoHashHex, tiers: [input.magnet.trackers], left: input.magnet.exactLength ?? UNKNOWN_LEFT };
  const urls = torrent.tiers.flat();
  if (urls.length === 0) {
    throw new CliError('no trackers to ask: the torrent lists none (a magnet needs tr= parameters)', EXIT_BAD_INPUT);
  }

  const port = options.port ?? DEFAULT_PEERS_PORT;
  const timeoutMs = (options.timeout ?? DEFAULT_PEERS_TIMEOUT_S) * 1000;
  // BEP 15 retransmits after 15 s, which would mean a single try within the default 15 s budget. An
  // interactive query retransmits at a quarter of its budget instead, so a lost packet costs one retry.
  const udp = new UdpTrackerClient({ retransmitBaseMs: Math.max(250, timeoutMs / 4) });
  const client = new TrackerClient({ http: new HttpTrackerClient({ timeoutMs }), udp });
  let outcomes: SurveyOutcome[];
  try {
    outcomes = await surveyTrackers({
      infoHash: torrent.infoHash,
      peerId: createPeerId(),
      port,
      left: torrent.left === 0 ? UNKNOWN_LEFT : torrent.left,
      tiers: torrent.tiers,
      client,
      mode: options.scrape === true ? 'scrape' : 'announce',
      timeoutMs,
      numWant: 200,
      ...(signal === undefined ? {} : { signal }),
    });
  } finally {
    await udp.close();
  }

  // Trackers list the announcing client itself (opentracker on loopback does): leave us out.
  const peers = withoutSelf(uniquePeers(outcomes.flatMap((o) => (o.status === 'announced' ? o.result.peers : []))), port);
  const mode = options.scrape === true ? 'scrape' : 'announce';
  if (options.json === true) terminal.out(jsonText(peersJson(torrent.infoHashHex, mode, outcomes, peers), 2));
  else for (const line of peersText(torrent.infoHashHex, mode, outcomes, peers)) terminal.out(line);

  const answered = outcomes.filter((o) => o.status === 'announced' || o.status === 'scraped').length;
  if (answered === 0) throw new CliError(`no tracker answered (${outcomes.length} asked)`, EXIT_FAILURE);
}

export function peersText(infoHashHex: string, mode: 'announce' | 'scrape', outcomes: readonly SurveyOutcome[], peers: readonly Peer[]): string[] {
  const lines = [`info-hash ${infoHashHex}`];
  for (const outcome of outcomes) {
    lines.push(`tier ${outcome.tier + 1}  ${printable(outcome.url)}`);
    // Refusals, warnings and error messages are the tracker's words (or carry its URL): made printable.
    lines.push(...outcomeLines(outcome).map((line) => `  ${printable(withoutUrlQueries(line))}`));
  }
  if (mode === 'announce') {
    const answered = outcomes.filter((o) => o.status === 'announced').length;
    lines.push(`${count(peers.length, 'peer')} from ${answered} of ${count(outcomes.length, 'tracker')}${peers.length > 0 ? ':' : ''}`);
    for (const peer of peers) lines.push(`  ${peerKey(peer)}`);
  }
  return lines;
}

function outcomeLines(outcome: SurveyOutcome): string[] {
  switch (outcome.status) {
    case 'announced': {
      const r = outcome.result;
      const parts = [count(r.peers.length, 'peer')];
      if (r.seeders !== undefined) parts.push(count(r.seeders, 'seeder'));
      if (r.leechers !== undefined) parts.push(count(r.leechers, 'leecher'));
      if (r.interval !== undefined) {
        parts.push(`re-announce every ${duration(r.interval)}${r.minInterval === undefined ? '' : ` (at least ${duration(r.minInterval)})`}`);
      }
      const lines = [parts.join(', ')];
      if (r.warning !== undefined) lines.push(`warning: ${r.warning}`);
      if (outcome.stopError !== undefined) lines.push(`note: the closing "stopped" failed: ${errorText(outcome.url, outcome.stopError.message)}`);
      return lines;
    }
    case 'scraped': {
      const s = outcome.stats;
      if (s === undefined) return ['the tracker does not know this torrent'];
      return [`${count(s.seeders, 'seeder')}, ${count(s.leechers, 'leecher')}, downloaded ${count(s.completed, 'time')}`];
    }
    case 'refused':
      return [`refused: ${outcome.reason}`];
    case 'failed':
      return [`failed: ${errorText(outcome.url, outcome.error.message)}`];
    case 'unsupported':
      return ['skipped: only http, https and udp trackers are supported'];
    default: {
      const never: never = outcome;
      return [String(never)];
    }
  }
}

/** JSON for scripts; `schema` changes when the shape does. Tiers are 1-based, as in the text. */
export function peersJson(infoHashHex: string, mode: 'announce' | 'scrape', outcomes: readonly SurveyOutcome[], peers: readonly Peer[]): object {
  return {
    schema: 1,
    infoHash: infoHashHex,
    mode,
    trackers: outcomes.map((o) => ({ url: o.url, tier: o.tier + 1, status: o.status, ...outcomeJson(o) })),
    ...(mode === 'announce' ? { peers: peers.map(peerKey) } : {}),
  };
}

function outcomeJson(outcome: SurveyOutcome): object {
  switch (outcome.status) {
    case 'announced': {
      const r = outcome.result;
      return {
        peers: r.peers.map(peerKey),
        seeders: r.seeders ?? null,
        leechers: r.leechers ?? null,
        interval: r.interval ?? null,
        minInterval: r.minInterval ?? null,
        warning: r.warning ?? null,
        stopError: outcome.stopError === undefined ? null : { code: outcome.stopError.code, message: withoutUrlQueries(outcome.stopError.message) },
      };
    }
    case 'scraped':
      return outcome.stats === undefined
        ? { known: false }
        : { known: true, seeders: outcome.stats.seeders, leechers: outcome.stats.leechers, completed: outcome.stats.completed };
    case 'refused':
      return { reason: outcome.reason };
    case 'failed':
      return { error: { code: outcome.error.code, message: withoutUrlQueries(outcome.error.message) } };
    case 'unsupported':
      return {};
    default: {
      const never: never = outcome;
      return { unknown: String(never) };
    }
  }
}

/** Error messages end with the URL in parentheses; under a line that names the tracker, drop it. */
function errorText(url: string, message: string): string {
  const suffix = ` (${url})`;
  return message.endsWith(suffix) ? message.slice(0, -suffix.length) : message;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function parsePortOption(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('a port is a whole number from 1 to 65535');
  return port;
}

function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new InvalidArgumentError('seconds, more than 0 and at most 3600');
  return seconds;
}

export function registerPeers(program: Command): void {
  program
    .command('peers')
    .description('ask every tracker of a torrent for peers (announce, then stopped) or, with --scrape, for seeder and leecher counts')
    .argument('<torrent>', 'a .torrent file, or a magnet link with tr= trackers (quote it: it contains &)')
    .option('--scrape', 'scrape only: counts, no announce and no peer list')
    .option('--json', 'print one JSON object instead (every tracker and the peer union; has a "schema" number)')
    .option('--port <n>', `the port to announce as ours (default ${DEFAULT_PEERS_PORT})`, parsePortOption)
    .option('--timeout <seconds>', `time each tracker gets per request (default ${DEFAULT_PEERS_TIMEOUT_S})`, parseSeconds)
    .addHelpText('after', [
      '',
      'Examples:',
      '  typetorrent peers ubuntu.iso.torrent',
      '  typetorrent peers --scrape --json ubuntu.iso.torrent | jq .trackers',
      "  typetorrent peers --timeout 5 'magnet:?xt=urn:btih:...&tr=udp://tracker.example:6969'",
    ].join('\n'))
    .action(async (source: string, options: PeersOptions) => {
      await runPeers(source, options, processTerminal());
    });
}
