// Lines of text from a stream, one at a time (a bench parent and its child talk in lines).

async function* linesOf(stream) {
  let pending = '';
  for await (const chunk of stream) {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) !== -1) {
      yield pending.slice(0, nl);
      pending = pending.slice(nl + 1);
    }
  }
}

/** An async iterator of `stream`'s lines (without their newline), read as UTF-8. */
export function readLines(stream) {
  stream.setEncoding('utf8');
  return linesOf(stream);
}

/**
 * Calls `handle(command)` for each trimmed line of `stream` (a bench child's stdin, where the parent
 * sends "start", "stop", ...) as it arrives, and `onEnd` when the stream ends.
 */
export function onCommands(stream, handle, onEnd) {
  stream.setEncoding('utf8');
  let pending = '';
  stream.on('data', (chunk) => {
    pending += chunk;
    for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
      const command = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      handle(command);
    }
  });
  stream.on('end', onEnd);
}
