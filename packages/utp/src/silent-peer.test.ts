// A peer that forgets a connection without a word: libtorrent closes a uTP connection once a packet's
// third transmission goes unacknowledged, and answers nothing (not even a RESET) for a connection it
// no longer knows. Over a lossy, reordering link that left a gap in what we received, we had nothing
// in flight and waited for the missing packet forever (keep-alives expect no answer): the
// downloader of the impaired-link interop test sat on 89% for 90 s. These check that such a
// connection ends with ETIMEDOUT, so its owner can dial again.
import { describe, expect, it } from '@jest/globals';
import type { Connection } from './connection.js';
import { ADDRESS_B, Sim, type LinkOptions } from './testing/sim.js';
import { testData } from './testing/transfer.js';

/**
 * B sends `size` bytes to A over `link` (both ways) and forgets the connection once `gone()` says so
 * (checked as it sends each datagram, `index` counting them): from then on it sends nothing at all,
 * neither data, retransmissions, acks nor a RESET.
 */
function download(seed: number, link: LinkOptions, size: number, gone: (index: number) => boolean): Downloaded {
  const sim = new Sim(seed, { ...link }, { ...link, drop: (_bytes, index) => gone(index) });
  sim.b.accepting = true;
  const data = testData(size, seed);
  let offset = 0;
  sim.b.onConnection = (server) => {
    const more = (): void => {
      while (offset < data.length) {
        const piece = data.subarray(offset, offset + 16 * 1024);
        offset += piece.length;
        if (!server.write(piece)) return;
      }
    };
    server.events = { drain: more };
    more();
  };
  const client = sim.a.connect(ADDRESS_B);
  const result: Downloaded = { sim, client, received: 0, closed: false, error: undefined };
  const read = (): void => {
    for (const chunk of client.read()) result.received += chunk.length;
  };
  // A handshake first, as a BitTorrent peer sends (it also tells the acceptor that we are there).
  const hello = (): boolean => client.write(testData(68, seed + 1));
  client.events = { connect: hello, readable: read, close: (e) => ((result.closed = true), (result.error = e?.code)) };
  // Ten minutes of simulated time: twenty keep-alive periods, far past any retransmission schedule.
  sim.run(() => result.closed, 600_000);
  return result;
}

interface Downloaded {
  sim: Sim;
  client: Connection;
  received: number;
  closed: boolean;
  error: string | undefined;
}

const LOSSY: LinkOptions = { loss: 0.03, delayMs: 20, jitterMs: 5 };

describe('a peer that goes silent', () => {
  // Seeds whose link left the lost packet unrepaired when B forgot us (seed 3 repaired it first: no gap).
  it.each([1, 2, 4, 5, 6, 7, 8])('with a gap before data we hold, over 3%% loss, 20 ms and reordering: ETIMEDOUT, not a wait forever (seed %i)', (seed) => {
    const size = 2 * 1024 * 1024;
    // Its 590th datagram is lost, the next nine arrive, and it forgets us before resending it.
    const result = download(seed, LOSSY, size, (index) => index === 590 || index >= 600);
    expect(result.received).toBeLessThan(size);
    expect(result.client.recv.hasGap).toBe(true); // it owed us a packet before others we hold
    expect(result.client.send.outstanding).toBe(0); // nothing of ours in flight: no retransmission timer could end it
    expect(result.closed).toBe(true);
    expect(result.error).toBe('ETIMEDOUT');
  });

  it('while our own data is unacknowledged: ETIMEDOUT after maxRetransmits timeouts in a row', () => {
    const size = 64 * 1024;
    let gone = false;
    const result = download(9, { delayMs: 20 }, size, () => gone);
    const { sim, client } = result;
    expect(result.received).toBe(size);
    expect(result.closed).toBe(false); // a live, idle peer: the connection stays
    // B forgets us; then we send a request it will never answer.
    gone = true;
    client.write(testData(200, 9));
    sim.run(() => result.closed, 600_000);
    expect(result.error).toBe('ETIMEDOUT');
    expect(client.stats.timeouts).toBe(client.options.maxRetransmits + 1);
  });
});
