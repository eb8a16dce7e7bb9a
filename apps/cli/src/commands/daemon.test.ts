// `typetorrent daemon` as a user starts it (the built binary): refusals are one line with exit 2.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { cli, requireBuiltCli } from '../testing/cli-process.js';
import { runDaemon } from '../testing/daemon-fixtures.js';

let work = '';

beforeAll(async () => {
  requireBuiltCli();
  work = await makeTempDir('typetorrent-daemon-cmd-');
});

afterAll(async () => {
  await removeTempDir(work);
});

describe('typetorrent daemon', () => {
  it('refuses a non-loopback --listen without --listen-public', async () => {
    const run = await cli(['daemon', '--listen', '0.0.0.0:0', '--state-dir', path.join(work, 's1'), '--port', '0', '--no-dht', '--no-lsd']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('typetorrent: --listen 0.0.0.0: not a loopback address; anyone who can reach it could try the token: add --listen-public if you mean it\n');
  });

  it('refuses a malformed --listen as a usage error', async () => {
    const run = await cli(['daemon', '--listen', 'nowhere:99999']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^typetorrent: --listen: 'nowhere:99999' is invalid: expected host:port/);
  });

  it('refuses a second daemon on a state folder in use, naming the process', async () => {
    const stateDir = path.join(work, 's2');
    const first = await runDaemon(stateDir, path.join(work, 'dl'));
    try {
      const second = await cli(['daemon', '--listen', '127.0.0.1:0', '--state-dir', stateDir, '--port', '0', '--no-dht', '--no-lsd']);
      expect(second.code).toBe(1);
      expect(second.stderr).toBe(`typetorrent: ${stateDir} is in use by another daemon (process ${first.child.pid}); stop it first or give another --state-dir\n`);
      expect(fs.statSync(path.join(stateDir, 'api-token')).mode & 0o777).toBe(0o600);
    } finally {
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    }
    // A graceful stop releases the folder.
    expect(fs.existsSync(path.join(stateDir, 'daemon.pid'))).toBe(false);
  });
});
