// `typetorrent dht lookup <info-hash | magnet | file.torrent>`: joins the DHT (BEP 5) with a node of
// its own, looks the info-hash up and prints the peers the DHT returns (like `peers` does for
// trackers). The routing table in the state folder is used to join and is saved again at the end, so
// the bootstrap routers are needed only the first time. Nothing is announced: we only ask.
import { InvalidArgumentError, type Command } from 'commander';
import { DhtError, DhtNode } from '@typetorrent/dht';
import { parseMagnet } from '@typetorrent/metainfo';
import { sessionDht } from '../dht-options.js';
import { interruptSignal } from '../engine/run-transfers.js';
import { CliError, EXIT_FAILURE } from '../errors.js';
import { jsonText, printable } from '../format/terminal-text.js';
import { collect, parseEndpoint, parsePort } from '../options.js';
import { processTerminal, type Terminal } from '../terminal.js';
import { loadTorrentInput } from '../torrent-input.js';

export interface DhtLookupOptions {
  readonly json?: boolean;
  readonly dhtBootstrap?: { host: string; port: number }[];
  readonly stateDir?: string;
  /** UDP port of our node (default 0: any free port). */
  readonly port?: number;
  /** Seconds for joining and looking up together. Default 30. */
  readonly timeout?: number;
}

export const DEFAULT_DHT_LOOKUP_TIMEOUT_S = 30;

export interface DhtLookupResult {
  readonly infoHashHex: string;
  /** Nodes in our routing table at the end. */
  readonly nodes: number;
  /** "host:port" ("[v6]:port"), each once, in the order found. */
  readonly peers: readonly string[];
  /** The time ran out (or Ctrl-C) before the lookup converged: the list may be incomplete. */
  readonly cutShort: boolean;
}

export async function runDhtLookup(source: string, options: DhtLookupOptions, terminal: Terminal, signal?: AbortSignal): Promise<void> {
  const target = await lookupTarget(source, signal);
  const settings = sessionDht({ dht: true, announce: true, ...(options.dhtBootstrap === undefined ? {} : { dhtBootstrap: options.dhtBootstrap }), ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }) });
  const timeout = AbortSignal.timeout((options.timeout ?? DEFAULT_DHT_LOOKUP_TIMEOUT_S) * 1000);
  const stop = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
  const node = await DhtNode.create({
    port: options.port ?? 0,
    ...(settings?.stateFile === undefined ? {} : { stateFile: settings.stateFile }),
    ...(settings?.bootstrap === undefined ? {} : { bootstrap: settings.bootstrap.map((entry) => (typeof entry === 'string' ? entry : { host: entry.host, port: entry.port })) }),
  }).catch((error: unknown) => {
    throw new CliError(`the DHT node could not start: ${error instanceof Error ? error.message : String(error)}`, EXIT_FAILURE, { cause: error });
  });
  node.on('warning', (warning) => {
    if (warning.code === 'STATE_FILE' && options.json !== true) terminal.err(`warning: DHT state: ${printable(warning.message)}`);
  });
  const peers = new Set<string>();
  let cutShort = false;
  // Joining ends with a refresh of every bucket, which waits out nodes that went away; the lookup
  // needs only a first node to start from, and finds the rest itself.
  const joining = new AbortController();
  try {
    let joinError: unknown;
    const joined = node.bootstrap({ signal: AbortSignal.any([stop, joining.signal]) }).then(
      () => undefined,
      (error: unknown) => {
        if (!joining.signal.aborted) joinError = error;
      },
    );
    await Promise.race([joined, firstNode(node)]);
    if (joinError !== undefined && !stop.aborted) throw joinError;
    if (node.nodeCount === 0) throw new CliError('no DHT node answered: check the network, or name a node with --dht-bootstrap host:port', EXIT_FAILURE);
    for await (const peer of node.lookup(target.infoHash, { signal: stop })) peers.add(endpointText(peer.host, peer.port));
    joining.abort();
    await joined;
  } catch (error) {
    if (!(error instanceof DhtError && error.code === 'ABORTED') && !stop.aborted) throw error;
    if (node.nodeCount === 0) throw new CliError('no DHT node answered in time: check the network, or name a node with --dht-bootstrap host:port', EXIT_FAILURE, { cause: error });
    cutShort = true;
  } finally {
    await node.close().catch(() => undefined);
  }
  const result: DhtLookupResult = { infoHashHex: target.infoHashHex, nodes: node.nodeCount, peers: [...peers], cutShort };
  if (options.json === true) terminal.out(jsonText(dhtLookupJson(result), 2));
  else for (const line of dhtLookupText(result)) terminal.out(line);
}

export function dhtLookupText(result: DhtLookupResult): string[] {
  const lines = [`info-hash ${result.infoHashHex}`, `${count(result.peers.length, 'peer')} from the DHT (${count(result.nodes, 'node')} known)${result.cutShort ? ', time ran out before the lookup ended' : ''}${result.peers.length > 0 ? ':' : ''}`];
  // Addresses come from strangers: made printable like anything else they send.
  for (const peer of result.peers) lines.push(`  ${printable(peer)}`);
  return lines;
}

/** JSON for scripts; `schema` changes when the shape does. */
export function dhtLookupJson(result: DhtLookupResult): object {
  return { schema: 1, infoHash: result.infoHashHex, nodes: result.nodes, complete: !result.cutShort, peers: result.peers };
}

/** A bare info-hash (40 hex digits or 32 base32 letters), a magnet link, or a .torrent (file or URL). */
async function lookupTarget(source: string, signal?: AbortSignal): Promise<{ infoHash: Uint8Array; infoHashHex: string }> {
  if (/^([0-9a-f]{40}|[a-z2-7]{32})$/i.test(source)) {
    const magnet = parseMagnet(`magnet:?xt=urn:btih:${source}`);
    return { infoHash: magnet.infoHash, infoHashHex: magnet.infoHashHex };
  }
  const input = await loadTorrentInput(source, signal);
  return input.kind === 'torrent' ? input.metainfo : input.magnet;
}

/** Resolves when a node enters the routing table (at once if one is there). */
async function firstNode(node: DhtNode): Promise<void> {
  if (node.nodeCount > 0) return;
  await new Promise<void>((resolve) => node.once('node', () => resolve()));
}

function endpointText(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new InvalidArgumentError('seconds, more than 0 and at most 3600');
  return seconds;
}

export function registerDht(program: Command): void {
  const dht = program.command('dht').description('ask the DHT (BEP 5) directly');
  dht
    .command('lookup')
    .description('look an info-hash up in the DHT and print the peers it returns (nothing is announced)')
    .argument('<torrent>', 'an info-hash (40 hex digits), a magnet link (quote it: it contains &) or a .torrent file or URL')
    .option('--json', 'print one JSON object instead (peers, nodes known; has a "schema" number)')
    .option('--dht-bootstrap <host:port>', 'join the DHT through this node instead of the public routers (repeatable)', collect(parseEndpoint))
    .option('--state-dir <dir>', 'where the DHT routing table is kept (default $XDG_STATE_HOME/typetorrent or ~/.local/state/typetorrent)')
    .option('-p, --port <n>', 'UDP port of our DHT node (default: any free port)', parsePort)
    .option('--timeout <seconds>', `time for joining and the lookup together (default ${DEFAULT_DHT_LOOKUP_TIMEOUT_S})`, parseSeconds)
    .addHelpText('after', [
      '',
      'Examples:',
      '  typetorrent dht lookup 0123456789abcdef0123456789abcdef01234567',
      "  typetorrent dht lookup --json 'magnet:?xt=urn:btih:...' | jq -r '.peers[]'",
    ].join('\n'))
    .action(async (source: string, options: DhtLookupOptions) => {
      const interrupt = interruptSignal();
      try {
        await runDhtLookup(source, options, processTerminal(), interrupt.signal);
      } finally {
        interrupt.dispose();
      }
    });
}
