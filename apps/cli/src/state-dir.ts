// Where typetorrent keeps its own state (resume records of seeds, the DHT routing table): the
// `--state-dir` option, else `$XDG_STATE_HOME/typetorrent`, else `~/.local/state/typetorrent`.
import os from 'node:os';
import path from 'node:path';

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const xdg = env['XDG_STATE_HOME'];
  return xdg !== undefined && path.isAbsolute(xdg) ? path.join(xdg, 'typetorrent') : path.join(home, '.local', 'state', 'typetorrent');
}

/** Folder of the resume records kept in the state folder. */
export function resumeDirIn(stateDir: string): string {
  return path.join(path.resolve(stateDir), 'resume');
}
