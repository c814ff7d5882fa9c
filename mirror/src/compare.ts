// How two configuration values are compared: what Cognito reports as absent, empty or in another order is the same.

/**
 * A value in a form where equal configurations are equal JSON: undefined, null, empty lists and empty objects are
 * absent; lists of strings are sets (no Cognito setting mirror compares gives their order a meaning); dates are
 * dropped (they describe the resource, not its configuration).
 */
export function canonical(value: unknown): unknown {
  if (value === undefined || value === null || value instanceof Date) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(canonical).filter((item) => item !== undefined);
    if (items.length === 0) return undefined;
    return items.every((item) => typeof item === 'string') ? [...(items as string[])].sort() : items;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key]) => key !== '$metadata')
      .map(([key, item]) => [key, canonical(item)] as const)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value;
}

export const same = (a: unknown, b: unknown): boolean =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** A value as the diff shows it: compact JSON, `(none)` when absent. */
export function shown(value: unknown): string {
  const c = canonical(value);
  return c === undefined ? '(none)' : JSON.stringify(c);
}
