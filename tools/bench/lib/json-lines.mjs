// JSON lines from a child's stdout, awaited one event at a time (bench children talk this way).

/** Reads `stream` as JSON lines; `next(event, timeoutMs)` resolves with the first line whose event matches. */
export function jsonLines(stream, label) {
  const seen = [];
  const waiters = [];
  let pending = '';
  let ended = false;
  const settle = () => {
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i];
      const at = seen.findIndex((line) => line.event === w.event || line.event === 'error');
      if (at !== -1) {
        const [line] = seen.splice(at, 1);
        waiters.splice(i--, 1);
        clearTimeout(w.timer);
        if (line.event === 'error' && w.event !== 'error') w.reject(new Error(`${label}: ${line.message}`));
        else w.resolve(line);
      } else if (ended) {
        waiters.splice(i--, 1);
        clearTimeout(w.timer);
        w.reject(new Error(`${label} ended before "${w.event}"`));
      }
    }
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
      const text = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (!text.startsWith('{')) continue;
      try {
        seen.push(JSON.parse(text));
      } catch {
        // a log line that happens to start with a brace
      }
    }
    settle();
  });
  stream.on('end', () => {
    ended = true;
    settle();
  });
  return {
    next(event, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${label}: no "${event}" within ${timeoutMs / 1000} s`)), timeoutMs);
        waiters.push({ event, resolve, reject, timer });
        settle();
      });
    },
  };
}
