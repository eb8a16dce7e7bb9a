// The web UI's files by URL path (embedded in the build: nothing to install or build for a user).
import { APP_JS } from './app-js.js';
import { INDEX_HTML } from './index-html.js';
import { STYLE_CSS } from './style-css.js';

export const UI_FILES: Readonly<Record<string, { readonly type: string; readonly body: string }>> = {
  '/index.html': { type: 'text/html; charset=utf-8', body: INDEX_HTML },
  '/ui/app.js': { type: 'text/javascript; charset=utf-8', body: APP_JS },
  '/ui/style.css': { type: 'text/css; charset=utf-8', body: STYLE_CSS },
};
