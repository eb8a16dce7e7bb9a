// Payloads of the fixed-size messages, read from wherever their bytes are (the caller's chunk or
// the decoder's scratch) through a DataView. Lengths were already checked by frame-rules.
import { WireError } from './errors.js';
import {
  CHOKE,
  HAVE_ALL,
  HAVE_NONE,
  INTERESTED,
  MessageId,
  NOT_INTERESTED,
  UNCHOKE,
  type WireMessage,
} from './messages.js';

/**
 * Decodes the body at `at` of a fixed-size message with id `id`; `maxRequestLength` bounds the
 * `length` of incoming requests (BEP 3: a larger request is a reason to close the connection).
 */
export function parseFixed(id: number, view: DataView, at: number, maxRequestLength: number, messageOffset: number): WireMessage {
  switch (id) {
    case MessageId.choke:
      return CHOKE;
    case MessageId.unchoke:
      return UNCHOKE;
    case MessageId.interested:
      return INTERESTED;
    case MessageId.notInterested:
      return NOT_INTERESTED;
    case MessageId.haveAll:
      return HAVE_ALL;
    case MessageId.haveNone:
      return HAVE_NONE;
    case MessageId.have:
      return { type: 'have', index: view.getUint32(at) };
    case MessageId.suggestPiece:
      return { type: 'suggest-piece', index: view.getUint32(at) };
    case MessageId.allowedFast:
      return { type: 'allowed-fast', index: view.getUint32(at) };
    case MessageId.port:
      return { type: 'port', port: view.getUint16(at) };
    case MessageId.request: {
      const length = view.getUint32(at + 8);
      if (length === 0 || length > maxRequestLength) {
        throw new WireError('bad-request-length', `request for ${length} bytes; accepted: 1..${maxRequestLength}`, {
          offset: messageOffset,
          field: 'request.length',
          fatal: true,
        });
      }
      return { type: 'request', index: view.getUint32(at), begin: view.getUint32(at + 4), length };
    }
    case MessageId.cancel:
      return { type: 'cancel', index: view.getUint32(at), begin: view.getUint32(at + 4), length: view.getUint32(at + 8) };
    case MessageId.rejectRequest:
      return { type: 'reject-request', index: view.getUint32(at), begin: view.getUint32(at + 4), length: view.getUint32(at + 8) };
    default:
      throw new Error(`parseFixed: id ${id} is not a fixed-size message`);
  }
}
