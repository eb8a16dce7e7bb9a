// @typetorrent/utp's packet codec: decodePacket never throws (a bad datagram is a result saying
// why), and decoded packets round-trip through encodePacket.
import { decodePacket, encodePacket } from '@typetorrent/utp';
import { bucket, expectSame, type FuzzTarget } from '../target.js';

export const utpTarget: FuzzTarget = {
  name: 'utp-packet',
  dictionary: ['\x01', '\x11', '\x21', '\x31', '\x41', '\x51', '\x00', '\x01\x04', '\x00\x04\xff\xff\xff\xff', '\x02\x00', '\x01\x00', '\xff\xff'],
  maxInputLength: 1500,
  run(input) {
    const result = decodePacket(input);
    if (!result.ok) return `refused ${result.reason} @${bucket(result.offset)}`;
    const again = decodePacket(encodePacket(result.packet));
    expectSame('decode(encode(decode(x)))', result.packet, again.ok ? again.packet : again);
    return `type:${result.packet.type} sack:${bucket(result.packet.sack?.length ?? 0)} payload:${bucket(result.packet.payload.length)}`;
  },
  expectedError: () => undefined,
};
