import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { checkComponent, foldComponent } from './path-safety.js';

describe('checkComponent rejects what could leave the download folder', () => {
  test.each([
    ['', 'empty'],
    ['.', 'dot'],
    ['..', 'parent'],
    ['...', 'only dots'],
    ['.. ', 'dots then a space (Windows strips it to ..)'],
    [' ', 'a space'],
    ['a/b', 'forward slash'],
    ['/etc', 'absolute POSIX'],
    ['a\\b', 'backslash'],
    ['\\\\server\\share', 'UNC path'],
    ['a\0b', 'NUL'],
    ['C:', 'drive letter'],
    ['c:evil', 'drive-relative path'],
  ])('%j (%s)', (component) => {
    const result = checkComponent(component);
    expect(result.ok).toBe(false);
  });
});

describe('checkComponent renames Windows hazards the same way everywhere', () => {
  test.each([
    ['CON', 'CON_'],
    ['con', 'con_'],
    ['aux.c', 'aux_.c'],
    ['Nul.tar.gz', 'Nul_.tar.gz'],
    ['COM1', 'COM1_'],
    ['lpt9.txt', 'lpt9_.txt'],
    ['name.', 'name_'],
    ['name .. ', 'name____'],
    ['CON .txt', 'CON _.txt'],
  ])('%j becomes %j', (component, renamed) => {
    expect(checkComponent(component)).toEqual({ ok: true, component: renamed, renamed: true });
  });

  test.each(['readme.txt', '.hidden', 'a..b', 'CONSOLE', 'COM10', 'LPT0', 'auxiliary.c', 'Star Wars: A New Hope', 'dé jà vu', '日本語'])(
    '%j is kept as it is',
    (component) => {
      expect(checkComponent(component)).toEqual({ ok: true, component, renamed: false });
    },
  );

  test('every accepted component is a single safe name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (component) => {
        const result = checkComponent(component);
        if (!result.ok) return;
        const safe = result.component;
        expect(safe).not.toMatch(/[/\\\0]/);
        expect(safe).not.toMatch(/^[. ]*$/);
        expect(safe).not.toMatch(/[. ]$/);
        expect(safe).not.toMatch(/^[A-Za-z]:/);
        expect(checkComponent(safe)).toEqual({ ok: true, component: safe, renamed: false });
      }),
    );
  });
});

test('foldComponent compares names as case-insensitive file systems do', () => {
  expect(foldComponent('README.txt')).toBe(foldComponent('readme.TXT'));
  // U+00E9 (precomposed) and e + U+0301 (combining) are the same name on macOS.
  expect(foldComponent('caf\u00e9')).toBe(foldComponent('cafe\u0301'));
  expect(foldComponent('a')).not.toBe(foldComponent('b'));
});
