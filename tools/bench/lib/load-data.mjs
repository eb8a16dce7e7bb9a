// Data of the load benchmark, made once per work folder and reused: N small single-file torrents
// (about 400 bytes each, 16 KiB pieces, as tools/bench/scale.mjs uses) and one big torrent the
// leechers fetch. Both seeders read the same .torrent files and the same data.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Folder of the first `count` small torrents' .torrent files (links), and the folder of their data. */
export async function smallTorrents(engine, work, count) {
  const data = path.join(work, 'small-data');
  const all = path.join(work, 'small-torrents');
  fs.mkdirSync(data, { recursive: true });
  fs.mkdirSync(all, { recursive: true });
  const folder = path.join(work, `torrents-${count}`);
  if (fs.existsSync(folder) && fs.readdirSync(folder).length === count) return { torrents: folder, data };
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder);
  for (let index = 0; index < count; index++) {
    const name = `t${String(index).padStart(5, '0')}.bin`;
    const torrentFile = path.join(all, `${name}.torrent`);
    if (!fs.existsSync(torrentFile)) {
      const bytes = new TextEncoder().encode(`load torrent ${index} `.repeat(20));
      fs.writeFileSync(path.join(data, name), bytes);
      const created = await engine.createTorrent({ kind: 'file', name, length: bytes.length, read: async function* () { yield bytes; } }, { pieceLength: 16 * 1024 });
      fs.writeFileSync(torrentFile, created.torrent);
    }
    fs.linkSync(torrentFile, path.join(folder, `${name}.torrent`));
  }
  return { torrents: folder, data };
}

/** One file of `mib` MiB of random bytes with 1 MiB pieces: { torrent, data, length, pieceLength, infoHash }. */
export async function bigTorrent(engine, work, mib) {
  const data = path.join(work, `big-${mib}`);
  const file = path.join(data, 'big.bin');
  const torrent = path.join(work, `big-${mib}.torrent`);
  const length = mib * 1024 * 1024;
  const pieceLength = 1024 * 1024;
  fs.mkdirSync(data, { recursive: true });
  if (!fs.existsSync(file) || fs.statSync(file).size !== length) {
    const fd = fs.openSync(file, 'w');
    for (let at = 0; at < length; at += 4 * 1024 * 1024) fs.writeSync(fd, crypto.randomBytes(Math.min(4 * 1024 * 1024, length - at)));
    fs.closeSync(fd);
    fs.rmSync(torrent, { force: true });
  }
  if (!fs.existsSync(torrent)) {
    const read = async function* () {
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) yield new Uint8Array(chunk);
    };
    const created = await engine.createTorrent({ kind: 'file', name: 'big.bin', length, read }, { pieceLength });
    fs.writeFileSync(torrent, created.torrent);
    fs.writeFileSync(`${torrent}.hash`, Buffer.from(created.metainfo.infoHash).toString('hex'));
  }
  return { torrent, data, length, pieceLength, infoHash: fs.readFileSync(`${torrent}.hash`, 'utf8') };
}
