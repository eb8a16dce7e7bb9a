// The OpenAPI file documents every route the daemon serves, with each method.
import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiRouter } from './api-routes.js';
import type { EventStream } from './event-stream.js';
import type { TorrentRegistry } from './torrent-registry.js';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/daemon-api.yaml');

/** `paths:` of the YAML: each path's line and the methods indented under it. */
function documented(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of text.split('\n')) {
    const p = /^ {2}(\/\S+):$/.exec(line);
    if (p !== null) out.set(p[1]!, (current = new Set()));
    else if (/^\S/.test(line)) current = undefined;
    const m = /^ {4}(get|post|put|delete|patch):/.exec(line);
    if (m !== null && current !== undefined) current.add(m[1]!.toUpperCase());
  }
  return out;
}

describe('docs/daemon-api.yaml', () => {
  it('documents every route and method of the API', () => {
    const doc = documented(fs.readFileSync(DOC, 'utf8'));
    const router = apiRouter({ registry: { on: () => undefined } as unknown as TorrentRegistry, events: {} as EventStream, token: 'x', streamFile: async () => 'handled' });
    const routes = router.routes();
    expect(routes.length).toBeGreaterThan(10);
    for (const { method, path: route } of routes) {
      const key = route.replace(/:(\w+)/g, '{$1}');
      expect({ route: key, methods: [...(doc.get(key) ?? [])] }).toEqual({ route: key, methods: expect.arrayContaining([method]) });
    }
  });
});
