// The web UI's styles: one column, readable on a phone, light or dark as the system is.
export const STYLE_CSS = `
:root { color-scheme: light dark; --accent: #2f6fdf; --muted: #777; font-family: system-ui, sans-serif; }
body { margin: 0 auto; max-width: 60rem; padding: 0.75rem; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 1rem; }
h1 { font-size: 1.3rem; margin: 0.2rem 0; }
h3 { font-size: 0.95rem; margin: 0.6rem 0 0.2rem; }
#totals, small, .figures { color: var(--muted); font-size: 0.85rem; }
form.add { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
form.add #magnet { flex: 1 1 16rem; min-width: 0; }
input, button, select { font: inherit; padding: 0.35rem 0.5rem; }
button, .file-button { cursor: pointer; }
.file-button { border: 1px solid var(--muted); border-radius: 3px; padding: 0.3rem 0.5rem; }
.check { white-space: nowrap; }
body.dragging main { outline: 3px dashed var(--accent); outline-offset: 4px; }
#message { min-height: 1.2rem; margin: 0.4rem 0; }
#message.error { color: #c33; }
#torrents { list-style: none; padding: 0; margin: 0; }
.torrent { border-bottom: 1px solid #8884; padding: 0.6rem 0; }
.line { display: flex; justify-content: space-between; gap: 0.5rem; flex-wrap: wrap; }
.name { font-weight: 600; overflow-wrap: anywhere; }
.state { font-size: 0.85rem; }
.figures span { margin-right: 0.8rem; }
progress { width: 100%; height: 0.6rem; }
.actions { display: flex; gap: 0.4rem; margin-top: 0.3rem; }
.details ul { padding-left: 1rem; margin: 0; font-size: 0.9rem; }
.details li { overflow-wrap: anywhere; margin: 0.15rem 0; }
.details select { padding: 0.1rem; margin-left: 0.4rem; }
#limits { margin-top: 1rem; }
#limits form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
#limits input { width: 7rem; }
`;
