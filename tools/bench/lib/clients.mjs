// The clients the harness runs as leechers, each against the same swarm, each into an empty folder.
// A client that cannot run here says why; the harness reports it and goes on.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LT_PEER_SCRIPT, SYSTEM_PYTHON } from '@typetorrent/testkit';
import { measure } from './measure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = path.join(root, 'apps/cli/dist/main.js');
const CLIENT_TIMEOUT_MS = 30 * 60_000;
export const WEBRTC_STUB_NOTE = 'WebRTC module stubbed (TCP only)';

const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

async function waitForListener(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** @typedef {{ torrentPath: string, seeder: { connect?: (host: string, port: number) => Promise<void> } }} Swarm */

export const clients = {
  typetorrent: {
    unavailable: () => (fs.existsSync(CLI) ? null : 'apps/cli/dist/main.js missing: run `npm run build` first'),
    // --no-dht: the swarm is on loopback; the public DHT routers must never be contacted. --no-utp:
    // the seeder (lt_peer.py) and the libtorrent leecher run TCP only, so this row does too (with uTP
    // on, the first dial would wait out uTP's 1 s head start against a seeder that ignores it).
    // The JSON `done` line says how much payload arrived, duplicates included (the waste figure).
    run: async (swarm, outDir, port) => {
      let received = NaN;
      const r = await measure(process.execPath, [CLI, 'download', swarm.torrentPath, '-o', outDir, '--no-seed', '--no-dht', '--no-utp', '--port', String(port), '--json'], {
        timeoutMs: CLIENT_TIMEOUT_MS,
        onLine: (line) => {
          if (!line.includes('"done"')) return;
          try {
            received = JSON.parse(line).downloaded ?? received;
          } catch {
            // not a JSON line
          }
        },
      });
      return { ...r, received };
    },
  },
  libtorrent: {
    unavailable: () => (spawnSync(SYSTEM_PYTHON, ['-c', 'import libtorrent'], { stdio: 'ignore' }).status === 0 ? null : 'python3-libtorrent not installed'),
    // lt_peer.py keeps seeding after it finishes; closing its stdin when it says "finished" ends it.
    run: (swarm, outDir, port) =>
      measure(SYSTEM_PYTHON, ['-u', LT_PEER_SCRIPT, 'run', '--torrent', swarm.torrentPath, '--save', outDir, '--port', String(port)], {
        timeoutMs: CLIENT_TIMEOUT_MS,
        stdin: 'pipe',
        onLine: (line, child) => {
          if (line.includes('"finished"') || line.includes('"error"')) child.stdin?.end();
        },
      }),
  },
  aria2: {
    unavailable: () => (onPath('aria2c') ? null : 'aria2c not installed'),
    run: (swarm, outDir, port) =>
      measure('aria2c', [
        '--seed-time=0', '--file-allocation=none', '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false',
        '--enable-peer-exchange=false', `--listen-port=${port}`, '--console-log-level=warn', '--summary-interval=0',
        '--bt-max-peers=55', '--check-integrity=false', '-d', outDir, swarm.torrentPath,
      ], { timeoutMs: CLIENT_TIMEOUT_MS }),
  },
  transmission: {
    unavailable: () => (onPath('transmission-cli') ? null : 'transmission-cli not installed'),
    // transmission ignores 127.x peers from trackers, so the seeder dials it once it listens; a seed
    // ratio limit of 0 makes it exit when done.
    run: async (swarm, outDir, port) => {
      const config = path.join(outDir, '.transmission');
      fs.mkdirSync(config, { recursive: true });
      fs.writeFileSync(path.join(config, 'settings.json'), JSON.stringify({
        'ratio-limit': 0, 'ratio-limit-enabled': true, 'dht-enabled': false, 'lpd-enabled': false, 'pex-enabled': false,
        'utp-enabled': false, 'port-forwarding-enabled': false, 'peer-port': port, 'encryption': 0, 'speed-limit-down-enabled': false,
        'speed-limit-up-enabled': false, 'download-dir': outDir,
      }));
      if (!swarm.seeder.connect) return { code: null, skipped: 'the seeder harness cannot dial out' };
      const dial = (async () => {
        if (await waitForListener(port, 60_000)) await swarm.seeder.connect('127.0.0.1', port);
      })();
      const result = await measure('transmission-cli', ['-g', config, '-w', outDir, '-p', String(port), '-M', '-D', '-U', '-ep', swarm.torrentPath], {
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      await dial.catch(() => undefined);
      fs.rmSync(config, { recursive: true, force: true });
      return result;
    },
  },
  webtorrent: {
    note: WEBRTC_STUB_NOTE,
    unavailable: () => {
      if (process.env.TT_BENCH_IN_NETNS !== '1') return 'webtorrent-cli cannot turn off DHT/LSD/UPnP: it runs only inside a loopback-only network namespace (run the bench as root)';
      if (!webtorrentCli()) return 'webtorrent-cli could not be installed (npm install --ignore-scripts webtorrent-cli@6.0.1)';
      const probe = spawnSync(process.execPath, [webtorrentCli(), '--version'], { encoding: 'utf8', timeout: 30_000 });
      if (probe.status !== 0) {
        const missing = /Cannot find module '([^']+)'/.exec(probe.stderr ?? '');
        return `webtorrent-cli does not start here${missing ? `: its native module ${path.basename(missing[1])} is missing (its install step downloads a prebuilt binary, which this machine cannot fetch)` : ''}`;
      }
      return null;
    },
    run: (swarm, outDir, port) =>
      measure(process.execPath, [webtorrentCli(), 'download', swarm.torrentPath, '--out', outDir, '--torrent-port', String(port), '--quiet'], {
        timeoutMs: CLIENT_TIMEOUT_MS,
      }),
  },
};

const clientsDir = path.join(root, 'tools/bench/.clients');
const webtorrentBin = path.join(clientsDir, 'node_modules/webtorrent-cli/bin/cmd.js');

function webtorrentCli() {
  return fs.existsSync(webtorrentBin) ? webtorrentBin : null;
}

/** Installs webtorrent-cli into tools/bench/.clients once (scripts off: one dependency fetches a binary). */
export function installWebtorrentCli() {
  const dir = clientsDir;
  const bin = webtorrentBin;
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{"private":true}');
    spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', 'webtorrent-cli@6.0.1'], { cwd: dir, stdio: 'inherit' });
  }
  stubWebRtc(dir);
  return fs.existsSync(bin);
}

/**
 * webtorrent imports node-datachannel (WebRTC) at start-up, whose native binary comes from a download
 * this machine cannot make. WebRTC plays no part in a TCP swarm on loopback, so when the binary is
 * missing its entry points are replaced by a module whose exports throw if anything tries to use them.
 */
function stubWebRtc(dir) {
  const pkgDir = path.join(dir, 'node_modules/node-datachannel');
  if (!fs.existsSync(pkgDir) || fs.existsSync(path.join(pkgDir, 'build/Release/node_datachannel.node'))) return;
  const stub = `const unavailable = (name) => class { constructor() { throw new Error(name + ': WebRTC is not available in this benchmark'); } };
export const PeerConnection = unavailable('PeerConnection');
export const RtcpReceivingSession = unavailable('RtcpReceivingSession');
export const Video = unavailable('Video');
export const Audio = unavailable('Audio');
export const DataChannel = unavailable('DataChannel');
export function cleanup() {}
export function initLogger() {}
export function preload() {}
export default { PeerConnection, RtcpReceivingSession, Video, Audio, DataChannel, cleanup, initLogger, preload };
`;
  fs.writeFileSync(path.join(pkgDir, 'typetorrent-bench-stub.mjs'), stub);
  const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  manifest.exports = { '.': './typetorrent-bench-stub.mjs', './polyfill': './typetorrent-bench-stub.mjs', './package.json': './package.json' };
  fs.writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify(manifest, null, 2));
}
