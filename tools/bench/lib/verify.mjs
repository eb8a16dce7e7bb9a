// Checks a client's output folder against the source data, file by file (SHA-1 of each file).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

async function sha1File(file) {
  const hash = crypto.createHash('sha1');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest('hex');
}

/** Map of relative path -> { size, sha1 } for every file under `dir` (or the single file). */
export async function fingerprint(root) {
  const out = new Map();
  const stat = fs.statSync(root);
  if (stat.isFile()) {
    out.set(path.basename(root), { size: stat.size, sha1: await sha1File(root) });
    return out;
  }
  const walk = async (dir, rel) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(full, r);
      else if (entry.isFile()) out.set(r, { size: fs.statSync(full).size, sha1: await sha1File(full) });
    }
  };
  await walk(root, '');
  return out;
}

/**
 * True when `outputRoot` holds every file of `expected` with the same bytes. Zero-length files may be
 * missing (transmission does not create them); clients' own state folders are ignored.
 */
export async function matches(expected, outputRoot) {
  if (!fs.existsSync(outputRoot)) return { ok: false, why: `${outputRoot} missing` };
  const single = expected.size === 1 && fs.statSync(outputRoot).isFile();
  for (const [rel, want] of expected) {
    const file = single ? outputRoot : path.join(outputRoot, rel);
    if (!fs.existsSync(file)) {
      if (want.size === 0) continue;
      return { ok: false, why: `${rel} missing` };
    }
    const got = { size: fs.statSync(file).size, sha1: await sha1File(file) };
    if (got.size !== want.size || got.sha1 !== want.sha1) return { ok: false, why: `${rel} differs (${got.size} vs ${want.size} bytes)` };
  }
  return { ok: true, why: '' };
}
