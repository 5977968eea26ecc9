/**
 * An item's size as DynamoDB bills it: attribute names plus values (strings in UTF-8 bytes, numbers by
 * significant digits, maps and lists with their small overheads). Used to price "the due items alone".
 */
export function itemSizeBytes(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item))
    size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  return size;
}

function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') {
    const digits =
      String(Math.abs(value))
        .replace(/[.-]|e.*$/g, '')
        .replace(/^0+/, '').length || 1;
    return Math.ceil(digits / 2) + 1;
  }
  if (value instanceof Set) return [...value].reduce((s: number, v) => s + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((s: number, v) => s + 1 + valueSize(v), 0);
  if (typeof value === 'object') {
    return (
      3 + Object.entries(value).reduce((s, [k, v]) => s + 1 + Buffer.byteLength(k, 'utf8') + valueSize(v), 0)
    );
  }
  return 0;
}

/** Eventually consistent read units for reading `bytes` in one request: half a unit per 4 KB, rounded up. */
export function readUnitsFor(bytes: number): number {
  return Math.ceil(bytes / 4096) * 0.5;
}
