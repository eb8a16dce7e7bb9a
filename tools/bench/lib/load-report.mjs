// Markdown for tools/bench/load.mjs: typetorrent's figure beside libtorrent's on the same load.
import { variantKey } from './load-options.mjs';

const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const ratio = (x, base) => (Number.isFinite(x) && Number.isFinite(base) && base > 0 ? `${(x / base).toFixed(2)}×` : '–');
const pair = (r, pick, digits) => `${fmt(pick(r.by.typetorrent), digits)} / ${fmt(pick(r.by.libtorrent), digits)}`;
const pick = (key) => (x) => (x === undefined ? NaN : x[key]);
const eld = (x) => (x?.eld === undefined ? '–' : `${fmt(x.eld.p50)} / ${fmt(x.eld.p99)} / ${fmt(x.eld.max)}`);
/** p99 of the idle probe process in typetorrent's window, then in libtorrent's. */
const probe = (r) => `${fmt(r.by.typetorrent?.probe?.p99)} / ${fmt(r.by.libtorrent?.probe?.p99)}`;
const gib = (x) => (x === undefined || x.bytes === 0 ? NaN : x.cpu / (x.bytes / 2 ** 30));
const mbps = (x) => (x === undefined ? NaN : x.bytes / 1e6 / x.wall);
const share = (x) => (x === undefined ? NaN : (100 * x.cpu) / x.wall);
/** Involuntary context switches per second: all threads of each seeder, then typetorrent's main thread (its event loop). */
const preempted = (r) => `${pair(r, pick('preemptedAll'), 0)} | ${fmt(r.by.typetorrent?.preemptedMain, 0)}`;

function errors(rows) {
  return rows.flatMap((r) => Object.entries(r.errors).map(([client, why]) => `- ${client}, ${r.n} torrents × ${r.m} leechers (${variantKey(r)}): failed: ${why}`));
}

/** Idle seeding of N torrents: start-up, memory, descriptors and CPU, typetorrent / libtorrent. */
export function idleTable(rows) {
  if (rows.length === 0) return '';
  const lines = [
    '### Seeding N torrents, no peers (typetorrent / libtorrent)',
    '',
    '| torrents | start | seeding | from resume data | all seeding s | RSS MiB | RSS ratio | anon RSS MiB | VmHWM MiB | open fds | CPU % of a core | preempted /s, all threads | typetorrent main thread preempted /s | typetorrent event-loop delay p50 / p99 / max ms | idle probe p99 ms | idle probe CPU % |',
    '|---:|---|---|---|---|---|---:|---|---|---|---|---|---:|---|---|---|',
  ];
  for (const r of rows) {
    const t = r.by.typetorrent;
    const l = r.by.libtorrent;
    lines.push(`| ${r.n.toLocaleString('en')} | ${r.start} | ${t?.seeding?.split('/')[0] ?? '–'} / ${l?.seeding?.split('/')[0] ?? '–'} | ${pair(r, pick('resumed'), 0)} | ${pair(r, pick('startSeconds'), 2)} | ${pair(r, pick('rssMiB'), 0)} | ${ratio(t?.rssMiB, l?.rssMiB)} | ${pair(r, pick('anonMiB'), 0)} | ${pair(r, pick('hwmMiB'), 0)} | ${pair(r, pick('fds'), 0)} | ${pair(r, share, 2)} | ${preempted(r)} | ${eld(t)} | ${probe(r)} | ${fmt(t?.probe?.cpuShare, 2)} |`);
  }
  return [...lines, ...errors(rows)].join('\n');
}

/** M leechers downloading from one seeder (N more torrents idle): speed, memory, CPU per GiB. */
export function peersTable(rows) {
  if (rows.length === 0) return '';
  const lines = [
    '### One seeder, M leechers downloading at once (typetorrent / libtorrent)',
    '',
    '| torrents | leechers | start | slots | leecher nice | receiving | MB/s served | RSS MiB | RSS ratio | anon RSS MiB | VmHWM MiB | open fds | CPU s / GiB | CPU ratio | preempted /s, all threads | typetorrent main thread preempted /s | typetorrent event-loop delay p50 / p99 / max ms | idle probe p99 ms |',
    '|---:|---:|---|---|---:|---|---|---|---:|---|---|---|---|---:|---|---:|---|---|',
  ];
  for (const r of rows) {
    const t = r.by.typetorrent;
    const l = r.by.libtorrent;
    lines.push(`| ${(r.n + 1).toLocaleString('en')} | ${r.m} | ${r.start} | ${r.slots} | ${r.nice} | ${pair(r, pick('receiving'), 0)} | ${pair(r, mbps, 0)} | ${pair(r, pick('rssMiB'), 0)} | ${ratio(t?.rssMiB, l?.rssMiB)} | ${pair(r, pick('anonMiB'), 0)} | ${pair(r, pick('hwmMiB'), 0)} | ${pair(r, pick('fds'), 0)} | ${pair(r, gib, 2)} | ${ratio(gib(t), gib(l))} | ${preempted(r)} | ${eld(t)} | ${probe(r)} |`);
  }
  return [...lines, ...errors(rows)].join('\n');
}

/**
 * Memory per extra leecher: (RSS at M − RSS at 1) / (M − 1), from the window's median RSS, median
 * RssAnon and VmHWM, each row against the 1-leecher row of the same start, slots and leecher nice.
 */
export function perPeerLines(rows) {
  const out = [];
  for (const r of rows.filter((x) => x.m > 1)) {
    const one = rows.find((x) => x.m === 1 && variantKey(x) === variantKey(r));
    if (one === undefined) continue;
    const per = (client, key) => ((r.by[client]?.[key] - one.by[client]?.[key]) * 1024) / (r.m - 1);
    const side = (client) => `${fmt(r.by[client]?.rssMiB, 0)} MiB RSS against ${fmt(one.by[client]?.rssMiB, 0)} (${fmt(per(client, 'rssMiB'), 0)} KiB per extra leecher; anon ${fmt(per(client, 'anonMiB'), 0)} KiB, VmHWM ${fmt(per(client, 'hwmMiB'), 0)} KiB)`;
    out.push(`- ${r.m} leechers against 1 (start ${r.start}, slots ${r.slots}, leecher nice ${r.nice}): typetorrent ${side('typetorrent')}; libtorrent ${side('libtorrent')}`);
  }
  return out;
}
