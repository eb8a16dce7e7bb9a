// Byte counts for people: binary units (a "16 KiB" piece is 16384 bytes, as every client means it).

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 16384 -> '16 KiB', 1572864 -> '1.5 MiB', 999 -> '999 B'. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = unit === 0 || Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1).replace(/\.?0+$/, '');
  return `${text} ${UNITS[unit]!}`;
}

/** Digits grouped by thousands, independent of the locale: 1234567 -> '1,234,567'. */
export function groupDigits(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const MULTIPLIERS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/**
 * A size typed by a user: '262144', '256K', '256k', '256KiB', '1M', '1MB' (all binary). Undefined when
 * the text is not a whole number of bytes.
 */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (match === null) return undefined;
  const bytes = Number(match[1]) * MULTIPLIERS[match[2]!.toUpperCase()]!;
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
