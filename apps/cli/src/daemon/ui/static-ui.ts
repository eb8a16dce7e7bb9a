// The web UI: a few static files embedded in the build, served at / without a token (the page reads
// the token from the URL fragment, which browsers never send, and keeps it in sessionStorage).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from '../http-io.js';
import { UI_FILES } from './assets.js';

export function staticUi(): (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean {
  return (req, res, pathname) => {
    const asset = UI_FILES[pathname === '/' ? '/index.html' : pathname];
    if (asset === undefined) return false;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': asset.type,
      'content-length': Buffer.byteLength(asset.body),
      'cache-control': 'no-cache',
      'content-security-policy': "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return true;
  };
}
