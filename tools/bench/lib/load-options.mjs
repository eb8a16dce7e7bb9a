// Command line of tools/bench/load.mjs: what to run, checked against bounds (counts, seconds, rounds)
// so a typo cannot start an unbounded load. Pure: arguments in, a plan out.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const LIMITS = { torrents: 10_000, peers: 500, seconds: 120, size: 2048, rounds: 9, nice: 19 };
const STARTS = { fresh: ['fresh'], resume: ['resume'], both: ['fresh', 'resume'] };

function bounded(value, max, name) {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`--${name} must be an integer 0..${max}, got ${value}`);
  return value;
}

function list(text, max, name) {
  return text.split(',').filter((s) => s.trim() !== '').map((s) => bounded(Number(s), max, name));
}

/** Upload-slot settings: `all` (opened to the leechers), `default` (each client's own) or a number. */
function slotsList(text) {
  const out = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of out) if (s !== 'all' && s !== 'default') bounded(Number(s), LIMITS.peers, 'slots');
  if (out.length === 0) throw new Error('--slots needs all, default or a number');
  return out;
}

/** The plan of a load run from `argv` (process.argv.slice(2) style). */
export function loadOptions(argv) {
  const { values: opts } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      torrents: { type: 'string' },
      peers: { type: 'string' },
      combined: { type: 'string' },
      seconds: { type: 'string' },
      size: { type: 'string' },
      rounds: { type: 'string', default: '1' },
      slots: { type: 'string', default: 'all' },
      start: { type: 'string', default: 'fresh' },
      'leecher-nice': { type: 'string', default: '0' },
      depth: { type: 'string', default: '16' },
      warmup: { type: 'string', default: '15' },
      'start-timeout': { type: 'string', default: '300' },
      clients: { type: 'string', default: 'typetorrent,libtorrent' },
      work: { type: 'string', default: path.join(os.tmpdir(), 'typetorrent-load') },
      rev: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const quick = opts.quick;
  const starts = STARTS[opts.start];
  if (starts === undefined) throw new Error(`--start must be fresh, resume or both, got ${opts.start}`);
  const clients = opts.clients.split(',').map((s) => s.trim()).filter(Boolean);
  for (const c of clients) if (c !== 'typetorrent' && c !== 'libtorrent') throw new Error(`unknown client ${c}`);
  const combined = (opts.combined ?? (quick ? '100x50' : '1000x200')).split(',').filter((s) => s.trim() !== '').map((pair) => {
    const [n, m] = pair.split('x').map(Number);
    return { n: bounded(n, LIMITS.torrents, 'combined torrents'), m: bounded(m, LIMITS.peers, 'combined peers') };
  });
  return {
    torrentCounts: list(opts.torrents ?? (quick ? '1,100,1000' : '1,10,100,1000,10000'), LIMITS.torrents, 'torrents'),
    peerCounts: list(opts.peers ?? (quick ? '1,10,50' : '1,10,50,200'), LIMITS.peers, 'peers'),
    combined,
    seconds: bounded(Number(opts.seconds ?? (quick ? 4 : 10)), LIMITS.seconds, 'seconds'),
    sizeMiB: bounded(Number(opts.size ?? (quick ? 64 : 256)), LIMITS.size, 'size'),
    rounds: bounded(Number(opts.rounds), LIMITS.rounds, 'rounds'),
    slots: slotsList(opts.slots),
    starts,
    nices: list(opts['leecher-nice'], LIMITS.nice, 'leecher-nice'),
    depth: bounded(Number(opts.depth), 256, 'depth'),
    warmupSeconds: bounded(Number(opts.warmup), LIMITS.seconds, 'warmup'),
    startTimeoutSeconds: bounded(Number(opts['start-timeout']), 3600, 'start-timeout'),
    clients,
    work: opts.work,
    rev: opts.rev,
    json: opts.json,
  };
}

/**
 * The scenarios of a plan: torrent counts (idle), leecher counts and N x M pairs, each with every
 * start (fresh/resume) and, when there are leechers, every upload-slot setting and leecher nice value.
 * Grouped by (n, m): the variants of a group are interleaved within each round.
 */
export function scenarioGroups(plan) {
  const cells = [...plan.torrentCounts.map((n) => ({ n, m: 0 })), ...plan.peerCounts.map((m) => ({ n: 0, m })), ...plan.combined];
  return cells.map(({ n, m }) => {
    const variants = [];
    for (const start of plan.starts) {
      for (const slots of m > 0 ? plan.slots : ['–']) {
        for (const nice of m > 0 ? plan.nices : [0]) variants.push({ n, m, start, slots, nice });
      }
    }
    return { n, m, variants };
  });
}

/** A variant's label, the key that pairs it with the same variant at another count. */
export const variantKey = (v) => `${v.start}/${v.slots}/${v.nice}`;
