// Markdown tables with medians and ratios to typetorrent.
import { median } from './measure.mjs';

const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const ratio = (x, base) => (Number.isFinite(x) && Number.isFinite(base) && base !== 0 ? `${(x / base).toFixed(2)}×` : '–');

/** rows: [{ client, runs: [{ ok, wall, cpu, rssMiB }], note }] ; bytes: payload size */
export function downloadTable(title, bytes, rows) {
  const gib = bytes / 2 ** 30;
  const stats = rows.map((r) => {
    const good = r.runs.filter((x) => x.ok);
    const wall = median(good.map((x) => x.wall));
    return {
      ...r,
      good: good.length,
      wall,
      mbps: bytes / 1e6 / wall,
      cpuPerGiB: median(good.map((x) => x.cpu)) / gib,
      rss: median(good.map((x) => x.rssMiB)),
    };
  });
  const base = stats.find((s) => s.client === 'typetorrent');
  const lines = [
    `### ${title}`,
    '',
    '| client | ok runs | median s | MB/s | vs typetorrent (MB/s) | CPU s / GiB | vs typetorrent (CPU) | peak RSS MiB | vs typetorrent (RSS) | note |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of stats) {
    lines.push(`| ${s.client} | ${s.good}/${s.runs.length} | ${fmt(s.wall, 2)} | ${fmt(s.mbps)} | ${ratio(s.mbps, base?.mbps)} | ${fmt(s.cpuPerGiB, 2)} | ${ratio(s.cpuPerGiB, base?.cpuPerGiB)} | ${fmt(s.rss, 0)} | ${ratio(s.rss, base?.rss)} | ${s.note ?? ''} |`);
  }
  return lines.join('\n');
}

/** rows: [{ seeder, leecherRuns: [{ok, wall}], seederRuns: [{cpu, rssMiB}], note }] */
export function seedingTable(title, bytes, rows) {
  const gib = bytes / 2 ** 30;
  const lines = [
    `### ${title}`,
    '',
    '| seeder | ok runs | leecher median s | MB/s | seeder CPU s / GiB | seeder peak RSS MiB | note |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const good = r.leecherRuns.filter((x) => x.ok);
    const wall = median(good.map((x) => x.wall));
    lines.push(`| ${r.seeder} | ${good.length}/${r.leecherRuns.length} | ${fmt(wall, 2)} | ${fmt(bytes / 1e6 / wall)} | ${fmt(median(r.seederRuns.map((x) => x.cpu)) / gib, 2)} | ${fmt(median(r.seederRuns.map((x) => x.rssMiB)), 0)} | ${r.note ?? ''} |`);
  }
  return lines.join('\n');
}
