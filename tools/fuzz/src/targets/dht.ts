// @typetorrent/dht's KRPC codec: decodeKrpc, with encodeKrpc for the round trip.
import { DhtError, decodeKrpc, encodeKrpc } from '@typetorrent/dht';
import { bucket, errorLabel, expectSame, type FuzzTarget } from '../target.js';
import { BENCODE_TOKENS, keyTokens } from './bencode-tokens.js';

const KEYS = [
  't', 'y', 'q', 'r', 'e', 'a', 'v', 'ro', 'ip', 'id', 'target', 'info_hash', 'nodes', 'nodes6', 'values', 'token', 'port',
  'implied_port', 'want', 'n4', 'n6', 'ping', 'find_node', 'get_peers', 'announce_peer', 'vote', 'aa', '20:',
];

export const krpcTarget: FuzzTarget = {
  name: 'dht-krpc',
  dictionary: [...BENCODE_TOKENS, ...keyTokens(KEYS), '20:', '26:', '38:', '6:', '18:', 'i201e', 'i204e'],
  maxInputLength: 4096,
  run(input) {
    const message = decodeKrpc(input);
    const extras = message.kind === 'error' ? {} : { ...(message.version === undefined ? {} : { version: message.version }), readOnly: message.kind === 'query' && message.readOnly };
    expectSame('decode(encode(decode(x)))', message, decodeKrpc(encodeKrpc(message, extras)));
    switch (message.kind) {
      case 'query':
        return `query ${message.method} want:${message.want !== undefined} ro:${message.readOnly}`;
      case 'response':
        return `response nodes:${bucket(message.nodes?.length ?? -1)} nodes6:${bucket(message.nodes6?.length ?? -1)} values:${bucket(message.values?.length ?? -1)} token:${message.token !== undefined} ip:${message.ip !== undefined}`;
      case 'error':
        return `error ${message.code}`;
    }
  },
  expectedError(error) {
    return error instanceof DhtError ? errorLabel(error.code, error.field ?? error.offset) : undefined;
  },
};
