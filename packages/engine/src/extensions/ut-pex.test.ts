// ut_pex as registered in an extension set, so what is offered and what is read are both seen.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { decodeExtendedHandshake, decodeUtPex, encodeExtendedHandshake, encodeUtPex, PexFlag, UT_PEX, WireError } from '@typetorrent/peer-wire';
import { fakePeer, type FakeConnection } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { Peer } from '../torrent/peer.js';
import type { Endpoint } from '../torrent/types.js';
import { ExtensionSet } from './extension.js';
import { MAX_PEX_PEERS, PEX_INTERVAL_MS, UtPex, type UtPexHost } from './ut-pex.js';

class Host implements UtPexHost {
  private = false;
  readonly learntPeers: Endpoint[] = [];
  isPrivate(): boolean {
    return this.private;
  }
  learnt(peers: readonly Endpoint[]): void {
    this.learntPeers.push(...peers);
  }
  readonly connected: Peer[] = [];
  readonly sent: { peer: Peer; payload: Uint8Array }[] = [];
  peers(): Iterable<Peer> {
    return this.connected;
  }
  send(peer: Peer, payload: Uint8Array): boolean {
    this.sent.push({ peer, payload });
    return true;
  }
}

const clock = new ManualClock();
let host: Host;
let set: ExtensionSet;

/** Our local id for ut_pex (the only extension here). */
const LOCAL_ID = 1;

let pex: UtPex;

beforeEach(() => {
  host = new Host();
  set = new ExtensionSet();
  pex = new UtPex(host);
  set.add(pex);
});

/** A connected peer (we dialled it on `port`) that said it supports ut_pex. */
function pexPeer(port: number): Peer {
  const { peer } = fakePeer(`10.0.0.1:${port}`, clock);
  host.connected.push(peer);
  set.onHandshake(peer, encodeExtendedHandshake({ m: { [UT_PEX]: 7 } }));
  return peer;
}

function sentTo(peer: Peer): { added: string[]; dropped: string[] }[] {
  return host.sent
    .filter((s) => s.peer === peer)
    .map((s) => decodeUtPex(s.payload))
    .map((m) => ({ added: m.added.map((p) => `${p.host}:${p.port}/${p.flags}`), dropped: m.dropped.map((p) => `${p.host}:${p.port}`) }));
}

describe('ut_pex', () => {
  it('does not look at the connected peers on a tick while none of them speaks ut_pex (an idle seed makes no garbage)', () => {
    let walked = 0;
    host.peers = function* () {
      walked++;
      yield* host.connected;
    };
    const { peer } = fakePeer('10.0.0.1:6881', clock);
    host.connected.push(peer); // connected, but without ut_pex
    clock.advance(PEX_INTERVAL_MS);
    pex.tick(clock.now());
    expect(walked).toBe(0);
    pexPeer(6882);
    clock.advance(PEX_INTERVAL_MS);
    pex.tick(clock.now());
    expect(walked).toBe(1);
    expect(sentTo(host.connected[1]!)).toHaveLength(1); // told about the other one
  });

  it('is offered in our handshake for a public torrent', () => {
    expect(decodeExtendedHandshake(set.handshake({})).m.get(UT_PEX)).toBe(LOCAL_ID);
  });

  it('hands the added peers of a message to the host as candidates', () => {
    const { peer } = fakePeer('a', clock);
    const payload = encodeUtPex({
      added: [
        { host: '10.1.2.3', port: 6881 },
        { host: '2001:db8::1', port: 51413 },
      ],
      dropped: [{ host: '10.9.9.9', port: 1 }],
    });
    set.onMessage(peer, LOCAL_ID, payload);
    expect(host.learntPeers.map((p) => `${p.host}:${p.port}`)).toEqual(['10.1.2.3:6881', '2001:db8::1:51413']);
  });

  it('a malformed message is fatal (BEP 11 lets us disconnect)', () => {
    const { peer } = fakePeer('a', clock);
    expect(() => set.onMessage(peer, LOCAL_ID, new TextEncoder().encode('d5:added5:abcdee'))).toThrow(WireError);
  });

  it('a private torrent neither offers ut_pex nor reads it (BEP 27)', () => {
    host.private = true;
    expect(decodeExtendedHandshake(set.handshake({})).m.has(UT_PEX)).toBe(false);
    const { peer } = fakePeer('a', clock);
    set.onMessage(peer, LOCAL_ID, encodeUtPex({ added: [{ host: '10.1.2.3', port: 6881 }] }));
    expect(host.learntPeers).toEqual([]);
  });

  it('stops reading once the fetched metadata says the torrent is private', () => {
    const { peer } = fakePeer('a', clock);
    // While the metadata is fetched, the torrent is not known to be private yet.
    expect(decodeExtendedHandshake(set.handshake({})).m.has(UT_PEX)).toBe(true);
    host.private = true;
    set.onMessage(peer, LOCAL_ID, encodeUtPex({ added: [{ host: '10.1.2.3', port: 6881 }] }));
    expect(host.learntPeers).toEqual([]);
  });
});

describe('ut_pex sending', () => {
  it('tells each peer the others it may dial, then only what changed, at most once a minute', () => {
    const a = pexPeer(1001);
    const b = pexPeer(1002);
    const c = pexPeer(1003);
    pex.tick(0);
    const reachable = PexFlag.reachable;
    expect(sentTo(a)).toEqual([{ added: [`10.0.0.1:1002/${reachable}`, `10.0.0.1:1003/${reachable}`], dropped: [] }]);
    expect(sentTo(b)[0]?.added).toEqual([`10.0.0.1:1001/${reachable}`, `10.0.0.1:1003/${reachable}`]);
    host.connected.splice(host.connected.indexOf(c), 1);
    pex.leave(c);
    pex.tick(PEX_INTERVAL_MS - 1);
    expect(sentTo(a)).toHaveLength(1);
    pex.tick(PEX_INTERVAL_MS);
    expect(sentTo(a)[1]).toEqual({ added: [], dropped: ['10.0.0.1:1003'] });
    // Nothing changed since: nothing is sent.
    pex.tick(3 * PEX_INTERVAL_MS);
    expect(sentTo(a)).toHaveLength(2);
  });

  it('flags the peers connected over uTP as supporting it (0x04)', () => {
    const a = pexPeer(1001);
    const b = pexPeer(1002);
    (b.conn as unknown as FakeConnection).transport = 'utp';
    pex.tick(0);
    expect(sentTo(a)).toEqual([{ added: [`10.0.0.1:1002/${PexFlag.reachable | PexFlag.utp}`], dropped: [] }]);
    expect(sentTo(b)).toEqual([{ added: [`10.0.0.1:1001/${PexFlag.reachable}`], dropped: [] }]);
  });

  it('sends at most 50 added peers in one message, the rest a minute later', () => {
    const listener = pexPeer(2000);
    for (let i = 0; i < 60; i++) host.connected.push(fakePeer(`10.0.0.1:${3000 + i}`, clock).peer);
    pex.tick(0);
    pex.tick(PEX_INTERVAL_MS);
    expect(sentTo(listener).map((m) => m.added.length)).toEqual([MAX_PEX_PEERS, 10]);
  });

  it('sends nothing for a private torrent', () => {
    const a = pexPeer(1001);
    pexPeer(1002);
    host.private = true;
    pex.tick(0);
    expect(sentTo(a)).toEqual([]);
  });

  it('flags the peers we talk MSE with as speaking encryption (BEP 11 0x01)', () => {
    const listener = pexPeer(4000);
    const { peer, conn } = fakePeer('10.0.0.1:4001', clock);
    conn.encrypted = true;
    host.connected.push(peer);
    pex.tick(0);
    expect(sentTo(listener)[0]?.added).toEqual([`10.0.0.1:4001/${PexFlag.reachable | PexFlag.encryption}`]);
  });
});
