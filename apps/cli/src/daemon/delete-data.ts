// `DELETE /torrents/:hash?deleteData=true`: the torrent's own files, then the folders they leave
// empty (up to, not including, the save folder). Nothing else in those folders is touched.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Metainfo } from '@typetorrent/metainfo';

export async function deleteTorrentData(savePath: string, metainfo: Pick<Metainfo, 'files' | 'isMultiFile' | 'name'>): Promise<void> {
  const root = metainfo.isMultiFile ? path.join(savePath, metainfo.name) : savePath;
  const folders = new Set<string>();
  for (const file of metainfo.files) {
    // The paths passed the metainfo path-safety policy: relative, no '..'.
    const target = path.join(root, ...file.path);
    await fs.rm(target, { force: true });
    for (let dir = path.dirname(target); dir.length > savePath.length && dir.startsWith(savePath); dir = path.dirname(dir)) folders.add(dir);
  }
  // Deepest first, so a parent is tried after its children.
  for (const dir of [...folders].sort((a, b) => b.length - a.length)) {
    await fs.rmdir(dir).catch(() => undefined);
  }
}
