// @typetorrent/mse's responder (the side that accepts connections, so the one hostile peers reach):
// the bytes a peer sends, in random chunks. Everything after Ya is RC4-encrypted or hashed, so
// mutations mostly end in a sync or VC failure; the seeds are complete handshakes recorded against
// this responder's seeded random source, so unmutated prefixes get all the way through.
//
// A finding: an exception other than MseError, an MseError the handshake made from some other
// exception ('aborted' with a cause that is not an MseError), or a different outcome for a different
// chunking of the same bytes (the error code and offset; or, when it succeeds, all bytes sent and
// the result).
import { InfoHashIndex, MseError, MseResponder, seededRandom } from '@typetorrent/mse';
import { Rng } from '../rng.js';
import { canonical, errorLabel, expectSame, type FuzzTarget } from '../target.js';

export const MSE_INFO_HASH = new Uint8Array(20).fill(0x42);
export const MSE_RESPONDER_SEED = 7;
const index = new InfoHashIndex([MSE_INFO_HASH]);

export function mseResponder(): MseResponder {
  return new MseResponder({ now: 0, findInfoHash: index.find, random: seededRandom(MSE_RESPONDER_SEED) });
}

function feed(input: Uint8Array, chunk: () => number): string {
  const responder = mseResponder();
  const sent: string[] = [];
  try {
    for (let at = 0; at < input.length && !responder.finished;) {
      const end = Math.min(input.length, at + Math.max(1, chunk()));
      const step = responder.receive(input.subarray(at, end), 0);
      at = end;
      sent.push(Buffer.from(step.send).toString('hex'));
      if (step.done !== undefined) {
        // `received` is the plaintext that came after the handshake in the last chunk; the bytes not
        // fed yet follow it, decrypted as a caller would (RC4 continues the stream).
        const rest = input.slice(at);
        step.done.decrypt?.process(rest);
        const after = canonical([...step.done.received, ...rest]);
        return `done ${step.done.method} ${canonical(step.done.infoHash)} ${after} sent ${sent.join('')}`;
      }
    }
  } catch (error) {
    if (error instanceof MseError && error.code === 'aborted' && error.cause !== undefined && !(error.cause instanceof MseError)) throw error.cause;
    if (!(error instanceof MseError)) throw error;
    // Not what was sent: a reply computed in the same receive() that then failed is never handed
    // out, so one push can send less than many small ones before the same error.
    return `error ${error.code} at ${String(error.offset)}`;
  }
  return `incomplete sent ${sent.join('')}`;
}

export const mseTarget: FuzzTarget = {
  name: 'mse-responder',
  dictionary: ['\x00\x00\x00\x00\x00\x00\x00\x00', '\x00\x00\x00\x01', '\x00\x00\x00\x02', '\x00\x00\x00\x03', '\x02\x00', '\xff\xff', '\x13BitTorrent protocol'],
  maxInputLength: 2048,
  run(input) {
    const whole = feed(input, () => input.length);
    const rng = new Rng(input.length);
    const random = feed(input, () => 1 + rng.below(rng.oneIn(2) ? 8 : 120));
    // Bytes sent are compared joined up: only how they are cut into steps may differ.
    expectSame('random chunks against one push', whole, random);
    return whole.split(' ').slice(0, 2).join(' ');
  },
  expectedError(error) {
    return error instanceof MseError ? errorLabel(error.code, error.offset) : undefined;
  },
};
