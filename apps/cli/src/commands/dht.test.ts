// `typetorrent dht lookup` against DHT nodes of our own on 127.0.0.1: one node (the "router") holds
// an announce made by another; the command joins through the router and prints the announced peer.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DhtNode } from '@typetorrent/dht';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { CliError, EXIT_FAILURE } from '../errors.js';
import { cli, requireBuiltCli } from '../testing/cli-process.js';
import type { Terminal } from '../terminal.js';
import { dhtLookupText, runDhtLookup } from './dht.js';

const INFO_HASH = '5a'.repeat(20);
const ANNOUNCED_PORT = 51413;
let router: DhtNode;
let announcer: DhtNode;
let dir: string;

function captureTerminal(): Terminal & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), progressStream: undefined };
}

beforeAll(async () => {
  dir = await makeTempDir('cli-dht-');
  router = await DhtNode.create({ host: '127.0.0.1', port: 0, ipv6: false, bootstrap: [] });
  announcer = await DhtNode.create({ host: '127.0.0.1', port: 0, ipv6: false, bootstrap: [`127.0.0.1:${router.port}`] });
  await announcer.bootstrap();
  const { announcedTo } = await announcer.announce(Buffer.from(INFO_HASH, 'hex'), ANNOUNCED_PORT);
  expect(announcedTo).toBeGreaterThan(0);
});

afterAll(async () => {
  await announcer.close();
  await router.close();
  await removeTempDir(dir);
});

describe('typetorrent dht lookup', () => {
  test('prints the peers the DHT returns for an info-hash, and saves the routing table in the state folder', async () => {
    const terminal = captureTerminal();
    const stateDir = path.join(dir, 'state-1');
    await runDhtLookup(INFO_HASH, { dhtBootstrap: [{ host: '127.0.0.1', port: router.port }], stateDir }, terminal);
    expect(terminal.lines[0]).toBe(`info-hash ${INFO_HASH}`);
    expect(terminal.lines[1]).toMatch(/^1 peer from the DHT \([1-9]\d* nodes? known\):$/);
    expect(terminal.lines.slice(2)).toEqual([`  127.0.0.1:${ANNOUNCED_PORT}`]);
    expect(fs.existsSync(path.join(stateDir, 'dht.json'))).toBe(true);
  });

  test('says when no DHT node answers, and exits 1', async () => {
    // Port 1 on loopback: nothing answers there.
    const error = await runDhtLookup(INFO_HASH, { dhtBootstrap: [{ host: '127.0.0.1', port: 1 }], stateDir: path.join(dir, 'state-2'), timeout: 10 }, captureTerminal()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT_FAILURE);
    expect((error as CliError).message).toMatch(/^no DHT node answered/);
  });

  test('text: no peers, and a lookup cut short, are said as such', () => {
    expect(dhtLookupText({ infoHashHex: INFO_HASH, nodes: 1, peers: [], cutShort: true })).toEqual([
      `info-hash ${INFO_HASH}`,
      '0 peers from the DHT (1 node known), time ran out before the lookup ended',
    ]);
  });

  test('the built command takes a magnet link and prints JSON', async () => {
    requireBuiltCli();
    const magnet = `magnet:?xt=urn:btih:${INFO_HASH}&dn=x`;
    const run = await cli(['dht', 'lookup', magnet, '--json', '--dht-bootstrap', `127.0.0.1:${router.port}`, '--state-dir', path.join(dir, 'state-3')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { schema: number; infoHash: string; nodes: number; complete: boolean; peers: string[] };
    expect(json).toMatchObject({ schema: 1, infoHash: INFO_HASH, complete: true, peers: [`127.0.0.1:${ANNOUNCED_PORT}`] });
    expect(json.nodes).toBeGreaterThan(0);
  });

  test('TYPETORRENT_DHT_BOOTSTRAP names the nodes to join through when --dht-bootstrap does not', async () => {
    requireBuiltCli();
    const run = await cli(['dht', 'lookup', INFO_HASH, '--state-dir', path.join(dir, 'state-4')], { env: { TYPETORRENT_DHT_BOOTSTRAP: `127.0.0.1:${router.port}` } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`\n  127.0.0.1:${ANNOUNCED_PORT}\n`);
  });
});
