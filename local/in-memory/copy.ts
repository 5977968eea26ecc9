/**
 * What a DynamoDB round trip does to a record, done in memory: a deep copy (so neither the caller's
 * object nor a returned one shares state with the store) without `undefined` values, which the
 * document client drops when it writes (`removeUndefinedValues`), in objects and in lists.
 */
export function stored<T>(value: T): T {
  return copyValue(value) as T;
}

function copyValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(copyValue);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(value)) if (v !== undefined) out[name] = copyValue(v);
    return out;
  }
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}
