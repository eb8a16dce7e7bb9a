// @typetorrent/peer-wire's BEP 9/10/11 payload decoders, each with its encoder for the round trip.
import {
  WireError, decodeExtendedHandshake, decodeUtMetadata, decodeUtPex, encodeExtendedHandshake, encodeUtMetadata, encodeUtPex,
  type PexPeer,
} from '@typetorrent/peer-wire';
import { bucket, errorLabel, expectSame, type FuzzTarget } from '../target.js';
import { BENCODE_TOKENS, keyTokens } from './bencode-tokens.js';

function wireErrorLabel(error: unknown): string | undefined {
  // `m.<name>` names an extension from the input: one label for all of them.
  return error instanceof WireError ? errorLabel(error.code, error.field?.replace(/^m\..*/s, 'm.*')) : undefined;
}

export const utMetadataTarget: FuzzTarget = {
  name: 'ut-metadata',
  dictionary: [...BENCODE_TOKENS, ...keyTokens(['msg_type', 'piece', 'total_size']), 'i16384e', 'i16385e', 'i67108864e'],
  maxInputLength: 20_000,
  run(input) {
    const message = decodeUtMetadata(input);
    if (message.msgType === 'unknown') return 'unknown';
    expectSame('decode(encode(decode(x)))', message, decodeUtMetadata(encodeUtMetadata(message)));
    return `${message.msgType} piece:${bucket(message.piece)}`;
  },
  expectedError: wireErrorLabel,
};

/** Added and dropped peers in a fixed order: the encoder regroups them by address family. */
function sorted(peers: readonly PexPeer[]): string[] {
  return peers.map((p) => `${p.family} ${p.host} ${p.port} ${p.flags}`).sort();
}

export const utPexTarget: FuzzTarget = {
  name: 'ut-pex',
  dictionary: [...BENCODE_TOKENS, ...keyTokens(['added', 'added.f', 'added6', 'added6.f', 'dropped', 'dropped6']), '6:', '18:', '36:'],
  run(input) {
    const message = decodeUtPex(input);
    const again = decodeUtPex(encodeUtPex(message));
    expectSame('decode(encode(decode(x)))', [sorted(message.added), sorted(message.dropped)], [sorted(again.added), sorted(again.dropped)]);
    return `added:${bucket(message.added.length)} dropped:${bucket(message.dropped.length)}`;
  },
  expectedError: wireErrorLabel,
};

export const extendedHandshakeTarget: FuzzTarget = {
  name: 'extended-handshake',
  dictionary: [
    ...BENCODE_TOKENS,
    ...keyTokens(['m', 'v', 'p', 'reqq', 'yourip', 'ipv4', 'ipv6', 'metadata_size', 'upload_only', 'ut_metadata', 'ut_pex', 'e', 'complete_ago']),
    'i255e', 'i256e', 'i65535e', 'i65536e',
  ],
  run(input) {
    const hs = decodeExtendedHandshake(input);
    const again = decodeExtendedHandshake(encodeExtendedHandshake(hs));
    // `extra` (keys this codec does not interpret) is not encoded again: compare the rest.
    expectSame('decode(encode(decode(x)))', { ...hs, extra: undefined }, { ...again, extra: undefined });
    const fields = Object.keys(hs).filter((k) => k !== 'm' && k !== 'extra').sort().join(',');
    return `m:${bucket(hs.m.size)} extra:${bucket(hs.extra.size)} ${fields}`;
  },
  expectedError: wireErrorLabel,
};
