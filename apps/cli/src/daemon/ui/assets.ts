// Placeholder until the UI lands.
export const UI_FILES: Readonly<Record<string, { readonly type: string; readonly body: string }>> = {
  '/index.html': { type: 'text/html; charset=utf-8', body: '<!doctype html><title>typetorrent</title><p>typetorrent daemon</p>' },
};
