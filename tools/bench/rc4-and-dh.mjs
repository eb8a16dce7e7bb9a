// Micro-benchmark (not a test) for @typetorrent/mse: RC4 throughput against OpenSSL's, and the CPU
// one encrypted handshake costs against building the DH group per connection (issue 16, defect 3).
// Reads the built package, so build first:
//   (cd packages/mse && npm run build) && node tools/bench/rc4-and-dh.mjs
// Prints medians of ROUNDS rounds after a warm-up. Times are CPU time of this process (user +
// system), as `openssl speed` reports by default, so other work on a busy machine skews them less.
import { spawnSync } from 'node:child_process';
import { createDiffieHellman, generateKeyPairSync, randomBytes } from 'node:crypto';
import * as mse from '../../packages/mse/dist/index.js';

const ROUNDS = 5;
const RC4_BYTES = 128 * 1024 * 1024;
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const seconds = (work) => {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

function rc4Rate(blockSize) {
  const cipher = mse.Rc4.forMse(randomBytes(20));
  const buffer = new Uint8Array(blockSize);
  const rates = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const s = seconds(() => {
      for (let done = 0; done < RC4_BYTES; done += blockSize) cipher.process(buffer, 0, blockSize);
    });
    if (round > 0) rates.push(RC4_BYTES / s / 1e6);
  }
  return median(rates);
}

/** `openssl speed` for RC4 (OpenSSL 3 keeps it in the legacy provider), in MB/s; undefined if unavailable. */
function opensslRate() {
  const run = spawnSync('openssl', ['speed', '-provider', 'legacy', '-provider', 'default', '-evp', 'rc4', '-bytes', '16384', '-seconds', '3'], { encoding: 'utf8' });
  const match = /^RC4\s+([\d.]+)k/m.exec(run.stdout ?? '');
  return match === null ? undefined : (Number(match[1]) * 1000) / 1e6;
}

function perCall(count, work) {
  const times = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const s = seconds(() => {
      for (let n = 0; n < count; n++) work(n);
    });
    if (round > 0) times.push((s * 1000) / count);
  }
  return median(times);
}

const infoHash = randomBytes(20);
const index = new mse.InfoHashIndex([infoHash]);
function wholeHandshake() {
  const initiator = new mse.MseInitiator({ infoHash, random: mse.cryptoRandom, now: 0 });
  const responder = new mse.MseResponder({ findInfoHash: index.find, random: mse.cryptoRandom, now: 0 });
  const m2 = responder.receive(initiator.start()).send;
  const m3 = initiator.receive(m2).send;
  const m4 = responder.receive(m3).send;
  if (initiator.receive(m4).done === undefined) throw new Error('handshake did not finish');
}

const prime = mse.MSE_PRIME;
function groupPerConnection() {
  const a = createDiffieHellman(prime, 2);
  const b = createDiffieHellman(prime, 2);
  const ya = a.generateKeys();
  const yb = b.generateKeys();
  a.computeSecret(yb);
  b.computeSecret(ya);
}

// The ways to make one key pair that were considered (dh.ts explains the choice).
const P = BigInt('0x' + Buffer.from(prime).toString('hex'));
function bigintPublicKey() {
  let result = 1n;
  let base = 2n;
  for (let e = BigInt('0x' + randomBytes(20).toString('hex')); e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * base) % P;
    base = (base * base) % P;
  }
  return result;
}
const shared = createDiffieHellman(prime, 2);
function sharedGroupKey() {
  shared.setPrivateKey(randomBytes(20));
  return shared.generateKeys();
}

const rows = [
  ['RC4, 16 KiB in place', `${rc4Rate(16 * 1024).toFixed(0)} MB/s`],
  ['RC4, 64 KiB in place', `${rc4Rate(64 * 1024).toFixed(0)} MB/s`],
  ['openssl speed -evp rc4 (legacy provider), 16 KiB', (() => { const r = opensslRate(); return r === undefined ? 'unavailable' : `${r.toFixed(0)} MB/s`; })()],
  ['whole handshake, both sides (shared DH group)', `${perCall(200, wholeHandshake).toFixed(2)} ms`],
  ['DH alone, both sides, createDiffieHellman per connection', `${perCall(10, groupPerConnection).toFixed(2)} ms`],
  ['one key pair: createDiffieHellman + generateKeys', `${perCall(10, () => createDiffieHellman(prime, 2).generateKeys()).toFixed(2)} ms`],
  ["one key pair: generateKeyPairSync('dh', { prime, generator })", `${perCall(100, () => generateKeyPairSync('dh', { prime: Buffer.from(prime), generator: 2 })).toFixed(3)} ms`],
  ['one key pair: BigInt square-and-multiply, 160-bit exponent', `${perCall(100, bigintPublicKey).toFixed(3)} ms`],
  ['one key pair: shared group, setPrivateKey + generateKeys', `${perCall(1000, sharedGroupKey).toFixed(3)} ms`],
];
console.log('| measure | result |\n| --- | --- |');
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
