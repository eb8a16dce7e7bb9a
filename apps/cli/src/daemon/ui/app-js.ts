// The web UI's script: plain browser JavaScript, no build step. The token comes from the URL
// fragment (#token=…, never sent to a server), is kept in sessionStorage and removed from the
// address bar. Live updates come from /api/v1/events, read with fetch (EventSource cannot send
// the Authorization header). Torrent names and paths are untrusted: only textContent, never HTML.
export const APP_JS = String.raw`
const $ = (id) => document.getElementById(id);
const KEY = 'typetorrent-token';
const torrents = new Map();
const rows = new Map();
let token = '';

function readToken() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname);
  }
  return sessionStorage.getItem(KEY) || '';
}

function setMessage(text, isError) {
  $('message').textContent = text;
  $('message').className = isError ? 'error' : '';
}

function showLogin(reason) {
  sessionStorage.removeItem(KEY);
  token = '';
  $('app').hidden = true;
  $('login').hidden = false;
  if (reason) setMessage(reason, true);
}

async function api(method, path, body) {
  const init = { method, headers: { authorization: 'Bearer ' + token } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const json = (res.headers.get('content-type') || '').startsWith('application/json') ? await res.json() : null;
  if (res.status === 401) {
    showLogin('The token was refused.');
    throw new Error('unauthorized');
  }
  if (!res.ok) throw new Error(json && json.error ? json.error.message : 'HTTP ' + res.status);
  return json;
}

/** Runs an action, showing its failure. */
function act(run) {
  run().catch((e) => setMessage(String(e.message || e), true));
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

function eta(s) {
  if (s === null || s === undefined) return '';
  if (s < 60) return s + ' s left';
  if (s < 3600) return Math.round(s / 60) + ' min left';
  return (s / 3600).toFixed(1) + ' h left';
}

function render(t) {
  torrents.set(t.infoHash, t);
  let li = rows.get(t.infoHash);
  if (!li) {
    li = $('torrent-row').content.firstElementChild.cloneNode(true);
    li.dataset.hash = t.infoHash;
    wire(li, t.infoHash);
    rows.set(t.infoHash, li);
    $('torrents').append(li);
  }
  li.dataset.state = t.state;
  li.querySelector('.name').textContent = t.name;
  li.querySelector('.state').textContent = t.error ? 'error: ' + t.error : t.state === 'queued' ? 'queued, #' + (t.queuePosition + 1) : t.done && t.state !== 'paused' ? 'done, ' + t.state : t.state;
  li.querySelector('progress').value = t.progress;
  li.querySelector('.percent').textContent = (t.progress * 100).toFixed(1) + '%';
  li.querySelector('.rates').textContent = '↓ ' + bytes(t.downloadRate) + '/s ↑ ' + bytes(t.uploadRate) + '/s';
  li.querySelector('.peers').textContent = t.peers + (t.peers === 1 ? ' peer' : ' peers');
  li.querySelector('.eta').textContent = t.done ? '' : eta(t.eta);
  li.querySelector('.toggle').textContent = t.paused ? 'Resume' : 'Pause';
  totals();
}

function drop(hash) {
  const li = rows.get(hash);
  if (li) li.remove();
  rows.delete(hash);
  torrents.delete(hash);
  totals();
}

function totals() {
  let down = 0;
  let up = 0;
  for (const t of torrents.values()) {
    down += t.downloadRate;
    up += t.uploadRate;
  }
  $('totals').textContent = torrents.size + (torrents.size === 1 ? ' torrent' : ' torrents') + ', ↓ ' + bytes(down) + '/s ↑ ' + bytes(up) + '/s';
  $('empty').hidden = torrents.size > 0;
}

function wire(li, hash) {
  li.querySelector('.toggle').addEventListener('click', () => {
    const verb = torrents.get(hash).paused ? 'resume' : 'pause';
    act(async () => render(await api('POST', '/api/v1/torrents/' + hash + '/' + verb)));
  });
  li.querySelector('.remove').addEventListener('click', () => {
    if (!confirm('Remove "' + torrents.get(hash).name + '"? Downloaded files are kept.')) return;
    act(async () => {
      await api('DELETE', '/api/v1/torrents/' + hash);
      drop(hash);
    });
  });
  li.querySelector('.details-button').addEventListener('click', () => {
    const box = li.querySelector('.details');
    box.hidden = !box.hidden;
    if (!box.hidden) act(() => details(li, hash));
  });
}

const PRIORITIES = [[0, 'skip'], [1, 'low'], [4, 'normal'], [7, 'high']];

async function details(li, hash) {
  const [files, peers, trackers] = await Promise.all(['files', 'peers', 'trackers'].map((what) => api('GET', '/api/v1/torrents/' + hash + '/' + what)));
  const fileList = li.querySelector('.files');
  fileList.replaceChildren(...files.files.filter((f) => !f.padding).map((f) => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = f.url;
    link.target = '_blank';
    link.rel = 'noopener';
    link.textContent = f.path;
    const select = document.createElement('select');
    select.setAttribute('aria-label', 'priority of ' + f.path);
    for (const [value, label] of PRIORITIES) select.append(new Option(label, String(value), false, value === f.priority));
    if (!PRIORITIES.some(([v]) => v === f.priority)) select.append(new Option('priority ' + f.priority, String(f.priority), false, true));
    select.addEventListener('change', () => act(async () => {
      const priorities = files.files.map((g) => (g.index === f.index ? Number(select.value) : g.priority));
      files.files = (await api('PUT', '/api/v1/torrents/' + hash + '/files', { priorities })).files;
    }));
    item.append(link, ' ', bytes(f.length), select);
    return item;
  }));
  if (files.files.length === 0) fileList.textContent = 'not known yet (fetching the metadata)';
  li.querySelector('.peer-list').replaceChildren(...peers.peers.map((p) => {
    const item = document.createElement('li');
    item.textContent = p.address + ' ' + (p.client || '') + ' ↓ ' + bytes(p.downloadRate) + '/s ↑ ' + bytes(p.uploadRate) + '/s, has ' + (p.progress * 100).toFixed(0) + '%';
    return item;
  }));
  if (peers.peers.length === 0) li.querySelector('.peer-list').textContent = 'none connected';
  li.querySelector('.trackers').replaceChildren(...trackers.trackers.map((t) => {
    const item = document.createElement('li');
    item.textContent = 'tier ' + t.tier + ': ' + t.url;
    return item;
  }));
  if (trackers.trackers.length === 0) li.querySelector('.trackers').textContent = 'none';
}

function onEvent(frame) {
  let event = 'message';
  let data = '';
  for (const line of frame.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (!data) return;
  const d = JSON.parse(data);
  if (event === 'hello') {
    for (const hash of [...rows.keys()]) if (!d.torrents.some((t) => t.infoHash === hash)) drop(hash);
    d.torrents.forEach(render);
    totals();
  } else if (event === 'progress') d.torrents.forEach(render);
  else if (event === 'added' || event === 'state') render(d.torrent);
  else if (event === 'removed') drop(d.infoHash);
}

async function listen() {
  while (token) {
    try {
      const res = await fetch('/api/v1/events', { headers: { authorization: 'Bearer ' + token } });
      if (res.status === 401) return showLogin('The token was refused.');
      if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
      if ($('message').className === 'error') setMessage('', false);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let pending = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        let end;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          onEvent(pending.slice(0, end));
          pending = pending.slice(end + 2);
        }
      }
    } catch (e) {
      // Reconnect below.
    }
    setMessage('Connection to the daemon lost; reconnecting…', true);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function addTorrent(body) {
  body.paused = $('add-paused').checked;
  const added = await api('POST', '/api/v1/torrents', body);
  render(added.torrent);
  setMessage('Added ' + added.torrent.name, false);
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function addFile(file) {
  act(async () => addTorrent({ torrent: await readBase64(file) }));
}

function setup() {
  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, $('token').value.trim());
    start();
  });
  $('add-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const magnet = $('magnet').value.trim();
    if (!magnet) return setMessage('Paste a magnet link, or choose or drop a .torrent file.', true);
    act(async () => {
      await addTorrent({ magnet });
      $('magnet').value = '';
    });
  });
  $('torrent-file').addEventListener('change', (e) => {
    const file = e.target.files[0];
    if (file) addFile(file);
    e.target.value = '';
  });
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) document.body.classList.remove('dragging');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const file = e.dataTransfer.files[0];
    if (file) addFile(file);
    else {
      const text = e.dataTransfer.getData('text/plain');
      if (/^magnet:/i.test(text)) act(() => addTorrent({ magnet: text.trim() }));
    }
  });
  $('limits-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const limits = { download: Math.round(Number($('limit-down').value || 0) * 1024), upload: Math.round(Number($('limit-up').value || 0) * 1024) };
    act(async () => {
      await api('PUT', '/api/v1/session', { limits });
      setMessage('Limits saved', false);
    });
  });
}

async function start() {
  token = readToken();
  if (!token) return showLogin('');
  $('login').hidden = true;
  $('app').hidden = false;
  try {
    const session = await api('GET', '/api/v1/session');
    $('limit-down').value = String(Math.round(session.limits.download / 1024));
    $('limit-up').value = String(Math.round(session.limits.upload / 1024));
  } catch (e) {
    return;
  }
  listen();
}

setup();
start();
`;
