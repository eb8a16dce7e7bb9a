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
