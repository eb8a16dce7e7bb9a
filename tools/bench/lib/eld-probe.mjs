#!/usr/bin/env node
// A Node process doing nothing but measuring its own event-loop delay, run beside the load
// benchmark's seeder: what the machine alone (other tenants, the leechers, the seeder's own threads)
// does to a timer on this 2-core VM, so the seeder's delay can be read against it.
// stdin "start" resets, "stop" prints {"event":"window","eld":{p50,p99,max}} (ms beyond the 10 ms period).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { onCommands } from './read-lines.mjs';

const RESOLUTION_MS = 10;
const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
delay.enable();
const beyond = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
onCommands(
  process.stdin,
  (command) => {
    if (command === 'start') delay.reset();
    if (command === 'stop') process.stdout.write(`${JSON.stringify({ event: 'window', eld: { p50: beyond(delay.percentile(50)), p99: beyond(delay.percentile(99)), max: beyond(delay.max) } })}\n`);
  },
  () => process.exit(0),
);
process.stdout.write('{"event":"ready"}\n');
