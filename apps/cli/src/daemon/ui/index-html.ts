// The web UI's page. Scripts and styles are separate files (the CSP allows no inline ones).
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>typetorrent</title>
<link rel="stylesheet" href="/ui/style.css">
<script type="module" src="/ui/app.js"></script>
</head>
<body>
<header>
  <h1>typetorrent</h1>
  <p id="totals" aria-live="polite"></p>
</header>
<main>
  <section id="login" hidden>
    <form id="login-form">
      <label for="token">API token (from STATE/api-token, or open the address the daemon printed)</label>
      <input id="token" name="token" type="password" autocomplete="off" required>
      <button type="submit">Connect</button>
    </form>
  </section>
  <section id="app" hidden>
    <form id="add-form" class="add">
      <input id="magnet" name="magnet" type="text" placeholder="magnet:?xt=urn:btih:… or drop a .torrent file here" autocomplete="off">
      <label class="file-button">.torrent<input id="torrent-file" type="file" accept=".torrent,application/x-bittorrent" hidden></label>
      <label class="check"><input id="add-paused" type="checkbox"> paused</label>
      <button type="submit" id="add-button">Add</button>
    </form>
    <p id="message" role="status"></p>
    <ul id="torrents" aria-label="torrents"></ul>
    <p id="empty" hidden>No torrents yet: add a magnet link or a .torrent file.</p>
    <details id="limits">
      <summary>Session limits</summary>
      <form id="limits-form">
        <label>Download KiB/s <input id="limit-down" type="number" min="0" step="1"></label>
        <label>Upload KiB/s <input id="limit-up" type="number" min="0" step="1"></label>
        <button type="submit">Save</button> <small>0: unlimited</small>
      </form>
    </details>
  </section>
</main>
<template id="torrent-row">
  <li class="torrent">
    <div class="line">
      <span class="name"></span>
      <span class="state"></span>
    </div>
    <progress max="1" value="0"></progress>
    <div class="line figures">
      <span class="percent"></span><span class="rates"></span><span class="peers"></span><span class="eta"></span>
    </div>
    <div class="actions">
      <button type="button" class="toggle">Pause</button>
      <button type="button" class="details-button">Details</button>
      <button type="button" class="remove">Remove</button>
    </div>
    <div class="details" hidden>
      <h3>Files</h3><ul class="files"></ul>
      <h3>Peers</h3><ul class="peer-list"></ul>
      <h3>Trackers</h3><ul class="trackers"></ul>
    </div>
  </li>
</template>
</body>
</html>
`;
