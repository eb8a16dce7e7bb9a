// Interop with libtorrent's DHT (python3-libtorrent) on 127.0.0.1: three nodes (a libtorrent router, our
// node, a second libtorrent node), because a node never answers get_peers for its own torrents.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeWithTools, SYSTEM_PYTHON } from '@typetorrent/testkit';
import { SeededRandom } from '../env.js';
import { idToHex } from '../ids.js';
import { DhtNode } from './dht-node.js';

const SCRIPT = fileURLToPath(new URL('../../test/lt_dht_node.py', import.meta.url));
const random = new SeededRandom(31337);

type LtEvent =
  | { event: 'listening'; port: number }
  | { event: 'incoming_announce'; infoHash: string; port: number }
  | { event: 'peers'; infoHash: string; peers: string[] }
  | { event: 'nodes'; count: number }
  | { event: 'stopped' };

class LibtorrentDhtNode {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #listeners = new Set<(e: LtEvent) => void>();
  readonly seen: LtEvent[] = [];
  #stderr = '';
  port = 0;

  constructor(bootstrap: string[]) {
    this.#child = spawn(SYSTEM_PYTHON, ['-u', SCRIPT, ...bootstrap], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.setEncoding('utf8').on('data', (d: string) => (this.#stderr = (this.#stderr + d).slice(-4000)));
    let pending = '';
    this.#child.stdout.setEncoding('utf8').on('data', (d: string) => {
      pending += d;
      let i;
      while ((i = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, i);
        pending = pending.slice(i + 1);
        const event = JSON.parse(line) as LtEvent;
        this.seen.push(event);
        for (const l of this.#listeners) l(event);
      }
    });
  }

  /** Resolves with the first event (already seen or coming) that `match` accepts. */
  waitFor(match: (e: LtEvent) => boolean, what: string, timeoutMs = 20_000): Promise<LtEvent> {
    const earlier = this.seen.find(match);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error(`libtorrent: no ${what} within ${timeoutMs} ms; stderr: ${this.#stderr}`));
      }, timeoutMs);
      const listener = (e: LtEvent): void => {
        if (!match(e)) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(e);
      };
      this.#listeners.add(listener);
    });
  }

  async start(): Promise<this> {
    const e = await this.waitFor((x) => x.event === 'listening', 'listening');
    this.port = e.event === 'listening' ? e.port : 0;
    return this;
  }

  command(line: string): void {
    this.#child.stdin.write(`${line}\n`);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((r) => this.#child.once('close', r));
    this.#child.stdin.end();
    const kill = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
  }
}

describeWithTools(['python3-libtorrent'], 'interop with libtorrent DHT on 127.0.0.1', () => {
  let router: LibtorrentDhtNode;
  let other: LibtorrentDhtNode;
  let ours: DhtNode;
  beforeAll(async () => {
    router = await new LibtorrentDhtNode([]).start();
    ours = await DhtNode.create({
      host: '127.0.0.1', ipv6: false, bootstrap: [`127.0.0.1:${router.port}`],
      rateLimit: { perSecond: 500, burst: 1000 }, // every node here shares 127.0.0.1
    });
    const joined = new Set<number>();
    ours.on('node', (n) => joined.add(n.address.port));
    await ours.bootstrap();
    expect(ours.nodeCount).toBeGreaterThanOrEqual(1);
    other = await new LibtorrentDhtNode([`127.0.0.1:${router.port}`, `127.0.0.1:${ours.port}`]).start();
    // It queried us, so it knows us and we know it.
    if (!joined.has(other.port)) await new Promise<void>((resolve) => ours.on('node', (n) => n.address.port === other.port && resolve()));
  });
  afterAll(async () => {
    await ours?.close();
    await router?.stop();
    await other?.stop();
  });

  test('our lookup finds a peer that libtorrent announced', async () => {
    const infoHash = random.bytes(20);
    const hex = idToHex(infoHash);
    other.command(`announce ${hex}`); // on its listen port, which is also its DHT port
    await router.waitFor((e) => e.event === 'incoming_announce' && e.infoHash === hex, 'announce at the router');
    // A node that joins now holds no announces of its own: what it finds came over the wire.
    const asker = await DhtNode.create({ host: '127.0.0.1', ipv6: false, bootstrap: [`127.0.0.1:${router.port}`] });
    try {
      await asker.bootstrap();
      const found: string[] = [];
      for await (const peer of asker.lookup(infoHash)) found.push(`${peer.host}:${peer.port}`);
      expect(found).toContain(`127.0.0.1:${other.port}`);
    } finally {
      await asker.close();
    }
  });

  test('libtorrent finds a peer that our node announced', async () => {
    const infoHash = random.bytes(20);
    const hex = idToHex(infoHash);
    const result = await ours.announce(infoHash, 7302);
    expect(result.announcedTo).toBeGreaterThanOrEqual(1);
    await router.waitFor((e) => e.event === 'incoming_announce' && e.infoHash === hex, 'our announce at the router');
    other.command(`get_peers ${hex}`);
    const reply = await other.waitFor((e) => e.event === 'peers' && e.infoHash === hex, 'get_peers reply');
    expect(reply.event === 'peers' && reply.peers).toContain('127.0.0.1:7302');
  });
});
