// Path safety: nothing in a torrent may make a later layer (storage) write outside its download
// folder, on any platform. The policy, documented in the README, is the same on every platform so a
// torrent lays out identically wherever it is parsed:
//  - rejected (UNSAFE_PATH): empty components, '.', '..', components that are only dots and spaces
//    (Windows strips trailing dots and spaces, so '.. ' would become '..'), '/', '\' or NUL inside a
//    component, and a drive prefix such as 'C:' (Windows resolves 'C:x' against another drive).
//  - renamed (a RENAMED_PATH warning): Windows device names (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with
//    or without an extension, any case) get '_' after the base name, and trailing dots and spaces
//    become '_', because Windows would open a device or silently drop them.

export type ComponentCheck =
  | { readonly ok: true; readonly component: string; readonly renamed: boolean }
  | { readonly ok: false; readonly reason: string };

const DEVICE_NAMES = new Set([
  'CON', 'PRN', 'AUX', 'NUL',
  ...Array.from({ length: 9 }, (_, i) => `COM${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `LPT${i + 1}`),
]);

/** Checks one path component (or the torrent name) and returns it, possibly renamed, or why not. */
export function checkComponent(component: string): ComponentCheck {
  if (component === '') return { ok: false, reason: 'empty path component' };
  if (component === '.' || component === '..') return { ok: false, reason: `'${component}' is not allowed` };
  if (/^[. ]+$/.test(component)) return { ok: false, reason: `${JSON.stringify(component)} is only dots and spaces` };
  if (component.includes('/') || component.includes('\\')) {
    return { ok: false, reason: `${JSON.stringify(component)} contains a path separator` };
  }
  if (component.includes('\0')) return { ok: false, reason: 'contains a NUL character' };
  if (/^[A-Za-z]:/.test(component)) return { ok: false, reason: `${JSON.stringify(component)} starts with a drive letter` };

  let safe = component;
  // Trailing dots and spaces: Windows drops them, so 'a.' and 'a' would be one file there.
  const trailing = /[. ]+$/.exec(safe);
  if (trailing !== null) safe = safe.slice(0, trailing.index) + '_'.repeat(trailing[0].length);
  // A device name is reserved whatever follows the first dot ('aux.tar.gz' opens the AUX device).
  const dot = safe.indexOf('.');
  const base = dot < 0 ? safe : safe.slice(0, dot);
  if (DEVICE_NAMES.has(base.trimEnd().toUpperCase())) safe = `${base}_${dot < 0 ? '' : safe.slice(dot)}`;
  return { ok: true, component: safe, renamed: safe !== component };
}

/** A component folded for comparison the way Windows and macOS compare names (case, normalisation). */
export function foldComponent(component: string): string {
  return component.normalize('NFC').toLowerCase();
}
