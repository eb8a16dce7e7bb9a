#!/usr/bin/env node
// typetorrent's side of tools/bench/multi-seed.mjs: one session downloading a torrent from the given
// peers into a folder, with the engine's defaults, then closing. JSON lines on stdout: "adding"
// right before the torrent is added (the parent's clock starts there), "half" with the fraction of
// pieces verified once half of them are, "done" when every piece is verified and written.
//
//   node multi-seed-leecher.mjs BUNDLE TORRENT OUT_DIR HOST:PORT[,HOST:PORT...]
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, torrentPath, out, peerList] = process.argv.slice(2);
const engine = await import(pathToFileURL(bundle).href);
const emit = (event, fields = {}) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
const peers = peerList.split(',').map((address) => {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
});
const bytes = fs.readFileSync(torrentPath);
const session = new engine.Session({ port: 0, host: '127.0.0.1' });
await session.listen();
emit('adding');
const started = process.hrtime.bigint();
const torrent = await session.add(bytes, { savePath: out, announce: false, peers });
// "half" once half the pieces are verified: the parent's second-half window starts there.
let verified = 0;
const pieceCount = torrent.progress().pieceCount;
const half = Math.ceil(pieceCount / 2);
const onPiece = () => {
  if (++verified !== half) return;
  emit('half', { fraction: verified / pieceCount });
  torrent.off('piece', onPiece);
};
torrent.on('piece', onPiece);
await torrent.whenDone();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
emit('done', { seconds, downloaded: torrent.progress().downloaded });
await session.close();
