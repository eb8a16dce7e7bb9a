// SessionServices for unit tests (test helper, not exported by the package): a hand-driven clock, a
// socket factory the test scripts, and generous limits unless told otherwise.
import { createPeerId, encodeReserved } from '@typetorrent/peer-wire';
import type net from 'node:net';
import type { ConnectOptions } from '../net/socket-factory.js';
import { BanList } from '../peer/ban-list.js';
import { RateLimiter } from '../rate/rate-limiter.js';
import { Budget } from '../session/budget.js';
import type { SessionServices } from '../torrent/services.js';
import { TickGroup } from '../torrent/tick-group.js';
import { DEFAULT_TUNING, type EngineTuning } from '../tuning.js';
import { ManualClock } from './manual-clock.js';

export interface TestServices extends SessionServices {
  readonly clock: ManualClock;
  readonly budget: Budget;
  /** The one tick of every torrent built on these services, on the manual clock. */
  readonly ticks: TickGroup;
  /** Every connect the swarm asked for, in order. */
  readonly dials: ConnectOptions[];
}

export function testServices(options: { connect?: (o: ConnectOptions) => Promise<net.Socket>; budget?: Budget; listenPort?: number; tuning?: Partial<EngineTuning> } = {}): TestServices {
  const clock = new ManualClock();
  const dials: ConnectOptions[] = [];
  const now = (): number => clock.now();
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  return {
    clock,
    dials,
    peerId: createPeerId(),
    reserved: encodeReserved({ fast: true, extended: true }),
    socketFactory: async (o) => {
      dials.push(o);
      if (options.connect !== undefined) return await options.connect(o);
      throw new Error('connection refused (test)');
    },
    bans: new BanList(clock),
    budget: options.budget ?? new Budget(100, 100),
    downloadLimiter: new RateLimiter({ now }),
    uploadLimiter: new RateLimiter({ now }),
    tuning,
    ticks: new TickGroup(clock, tuning.tickMs),
    listenPort: () => options.listenPort ?? 6881,
    // Hashing on the event loop: these services drive one swarm under a manual clock.
    hasher: undefined,
    trackers: {},
  };
}
