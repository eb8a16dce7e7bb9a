import { describe, expect, it } from '@jest/globals';
import { decodeExtendedHandshake, UT_METADATA, UT_PEX } from '@typetorrent/peer-wire';
import { testServices } from '../testing/services.js';
import { createConnections } from './connections.js';

function ourHandshake(pex: boolean | undefined, isPrivate: boolean): Map<string, number> {
  const services = { ...testServices(), ...(pex === undefined ? {} : { pex }) };
  const { host } = createConnections({
    infoHash: new Uint8Array(20),
    services,
    maxPeers: 10,
    info: undefined,
    isPrivate: () => isPrivate,
    warn: () => undefined,
    peer: () => undefined,
    metadata: () => undefined,
  });
  return decodeExtendedHandshake(host.extensions.handshake({})).m;
}

describe('a torrent’s connections', () => {
  it('offer ut_metadata and ut_pex for a public torrent', () => {
    expect([...ourHandshake(undefined, false).keys()].sort()).toEqual([UT_METADATA, UT_PEX]);
  });

  it('offer no ut_pex for a private torrent (BEP 27) or with peer exchange turned off', () => {
    expect([...ourHandshake(undefined, true).keys()]).toEqual([UT_METADATA]);
    expect([...ourHandshake(false, false).keys()]).toEqual([UT_METADATA]);
  });
});
