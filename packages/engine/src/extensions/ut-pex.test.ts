// ut_pex as registered in an extension set, so what is offered and what is read are both seen.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { decodeExtendedHandshake, encodeUtPex, UT_PEX, WireError } from '@typetorrent/peer-wire';
import { fakePeer } from '../testing/fake-connection.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { Endpoint } from '../torrent/types.js';
import { ExtensionSet } from './extension.js';
import { UtPex, type UtPexHost } from './ut-pex.js';

class Host implements UtPexHost {
  private = false;
  readonly learntPeers: Endpoint[] = [];
  isPrivate(): boolean {
    return this.private;
  }
  learnt(peers: readonly Endpoint[]): void {
    this.learntPeers.push(...peers);
  }
}

const clock = new ManualClock();
let host: Host;
let set: ExtensionSet;

/** Our local id for ut_pex (the only extension here). */
const LOCAL_ID = 1;

beforeEach(() => {
  host = new Host();
  set = new ExtensionSet();
  set.add(new UtPex(host));
});

describe('ut_pex', () => {
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
