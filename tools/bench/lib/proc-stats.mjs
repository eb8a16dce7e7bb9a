// What a process costs, read from /proc by its parent, the same way for every client: resident
// memory (VmRSS, and VmHWM: the peak over its life; RssAnon: VmRSS less file pages, which matters for
// libtorrent 2, whose mmap'd torrent data counts in VmRSS as it is read or written), CPU seconds of
// all its threads (utime + stime), open file descriptors, and how often it was preempted
// (nonvoluntary_ctxt_switches: /proc/PID/status counts the main thread only, so the sum over
// /proc/PID/task/*/status is read too). Linux only.
import fs from 'node:fs';
import { median } from './measure.mjs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function statusKiB(status, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match === null ? NaN : Number(match[1]);
}

/** One reading of `pid`; NaN fields when the process is gone. */
export function readProc(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]) / TICKS_PER_SECOND;
    const sys = Number(fields[12]) / TICKS_PER_SECOND;
    return { cpu: user + sys, user, sys, rssKiB: statusKiB(status, 'VmRSS'), anonKiB: statusKiB(status, 'RssAnon'), hwmKiB: statusKiB(status, 'VmHWM'), fds: fs.readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return { cpu: NaN, user: NaN, sys: NaN, rssKiB: NaN, anonKiB: NaN, hwmKiB: NaN, fds: NaN };
  }
}

function count(status, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status);
  return match === null ? NaN : Number(match[1]);
}

/**
 * Involuntary context switches of `pid` (the scheduler took the CPU away while it could run):
 * `main` for its main thread (Node's event loop), `all` summed over its live threads. NaN when gone.
 */
export function readPreemptions(pid) {
  try {
    const main = count(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), 'nonvoluntary_ctxt_switches');
    let all = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        all += count(fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'), 'nonvoluntary_ctxt_switches');
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return { main, all };
  } catch {
    return { main: NaN, all: NaN };
  }
}

/**
 * Samples `pid` every `intervalMs` from now until `stop()`, which returns the window's CPU seconds,
 * median and peak RSS and median RssAnon (MiB), the most open descriptors seen, the wall seconds, and
 * the involuntary context switches in the window (`preempted.main`, `preempted.all`; threads that end
 * in the window take theirs with them).
 */
export function sampleProcess(pid, intervalMs = 200) {
  const firstSwitches = readPreemptions(pid);
  const first = readProc(pid);
  const started = process.hrtime.bigint();
  const rss = [first.rssKiB];
  const anon = [first.anonKiB];
  let fds = first.fds;
  const timer = setInterval(() => {
    const now = readProc(pid);
    rss.push(now.rssKiB);
    anon.push(now.anonKiB);
    fds = Math.max(fds, now.fds);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const last = readProc(pid);
      const lastSwitches = readPreemptions(pid);
      rss.push(last.rssKiB);
      anon.push(last.anonKiB);
      return {
        wall: Number(process.hrtime.bigint() - started) / 1e9,
        cpu: last.cpu - first.cpu,
        rssMiB: median(rss) / 1024,
        anonMiB: median(anon) / 1024,
        peakRssMiB: Math.max(...rss.filter(Number.isFinite)) / 1024,
        hwmMiB: last.hwmKiB / 1024,
        fds: Math.max(fds, last.fds),
        preempted: { main: lastSwitches.main - firstSwitches.main, all: lastSwitches.all - firstSwitches.all },
      };
    },
  };
}
