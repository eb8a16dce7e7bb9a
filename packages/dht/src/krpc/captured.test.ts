// Datagrams captured on 127.0.0.1 from libtorrent 2.0.8 (python3-libtorrent) and the npm bittorrent-dht
// 11.0.12 while they talked to our node; they carry keys we do not use (`p`, `seed`), which must be ignored.
import { describe, expect, test } from '@jest/globals';
import { decodeKrpc } from './decode.js';
import { encodeKrpc } from './encode.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const str = (u: Uint8Array | undefined): string => Buffer.from(u ?? []).toString('hex');

const captured = {
  webtorrentFindNode: '64313a6164323a696432303aa7bc4eba73791c36cbeb39452e119ea4bbdbaff7363a74617267657432303aa7bc4eba73791c36cbeb39452e119ea4bbdbaff765313a71393a66696e645f6e6f6465313a74323a0001313a79313a7165',
  libtorrentGetPeers: '64313a6164323a696432303a92a4b7368a6323bf53484f9b6f94df1893d723b0393a696e666f5f6861736832303aabababababababababababababababababababab65313a71393a6765745f7065657273313a74323a45fb313a76343a4c540208313a79313a7165',
  libtorrentAnnounceImplied: '64313a6164323a696432303a92a4b7368a6323bf53484f9b6f94df1893d723b031323a696d706c6965645f706f7274693165393a696e666f5f6861736832303aabababababababababababababababababababab343a706f727469333932303965343a73656564693065353a746f6b656e383a68c48d3c433b89b165313a7131333a616e6e6f756e63655f70656572313a74323a967d313a76343a4c540208313a79313a7165',
  libtorrentPong: '64323a6970363a7f000001d886313a7264323a696432303a92a4b7368a6323bf53484f9b6f94df1893d723b0313a706935353433306565313a74323a408b313a76343a4c540208313a79313a7265',
  webtorrentValues: '64313a7264323a696432303aa7bc4eba73791c36cbeb39452e119ea4bbdbaff7353a746f6b656e32303a24f3b8feca127768f39c427a1919749b95ccd0a7363a76616c7565736c363a7f00000199296565313a74323a408c313a79313a7265',
  libtorrentNodesAndValues: '64323a6970363a7f000001d886313a7264323a696432303a92a4b7368a6323bf53484f9b6f94df1893d723b0353a6e6f64657332363aa7bc4eba73791c36cbeb39452e119ea4bbdbaff77f000001d387313a7069353534333065353a746f6b656e343a965b6954363a76616c7565736c363a7f00000199296565313a74323a408d313a76343a4c540208313a79313a7265',
};
const LT_ID = '92a4b7368a6323bf53484f9b6f94df1893d723b0';
const WT_ID = 'a7bc4eba73791c36cbeb39452e119ea4bbdbaff7';

describe('KRPC codec: captured from libtorrent and bittorrent-dht', () => {
  test('bittorrent-dht find_node (no version key)', () => {
    const m = decodeKrpc(hex(captured.webtorrentFindNode));
    expect(m).toMatchObject({ kind: 'query', method: 'find_node', readOnly: false });
    expect(m.kind === 'query' && m.method === 'find_node' && str(m.target)).toBe(WT_ID);
    expect(str(encodeKrpc(m))).toBe(captured.webtorrentFindNode); // canonical both ways
  });

  test('libtorrent get_peers with its version', () => {
    const m = decodeKrpc(hex(captured.libtorrentGetPeers));
    expect(m).toMatchObject({ kind: 'query', method: 'get_peers' });
    expect(m.kind === 'query' && Buffer.from(m.version ?? []).toString('latin1')).toBe('LT\x02\x08');
    expect(m.kind === 'query' && str(m.id)).toBe(LT_ID);
  });

  test('libtorrent announce_peer with implied_port and an unknown `seed` key', () => {
    const m = decodeKrpc(hex(captured.libtorrentAnnounceImplied));
    expect(m).toMatchObject({ kind: 'query', method: 'announce_peer', impliedPort: true, port: 39209 });
    expect(m.kind === 'query' && m.method === 'announce_peer' && m.token).toHaveLength(8);
  });

  test('libtorrent ping reply with BEP 42 `ip` and an unknown `p` key', () => {
    expect(decodeKrpc(hex(captured.libtorrentPong))).toMatchObject({ kind: 'response', ip: { host: '127.0.0.1', port: 55430 } });
  });

  test('get_peers replies: values only (bittorrent-dht, 20-byte token), nodes and values (libtorrent)', () => {
    const wt = decodeKrpc(hex(captured.webtorrentValues));
    expect(wt).toMatchObject({ kind: 'response', values: [{ host: '127.0.0.1', port: 39209 }] });
    expect(wt.kind === 'response' && wt.token).toHaveLength(20);
    const lt = decodeKrpc(hex(captured.libtorrentNodesAndValues));
    expect(lt).toMatchObject({ kind: 'response', values: [{ host: '127.0.0.1', port: 39209 }] });
    expect(lt.kind === 'response' && lt.nodes?.map((n) => [str(n.id), n.address])).toEqual([[WT_ID, { host: '127.0.0.1', port: 54151 }]]);
  });
});
