// LOCAL ONLY: the part of Lambda's event filtering (FilterCriteria) the stream mappings use: nested objects, lists
// of allowed values, and the `anything-but`, `exists` and `prefix` rules. A record no pattern matches is dropped
// before the function is invoked, as AWS drops it.

export type FilterPattern = { [key: string]: FilterPattern | FilterRule[] };
export type FilterRule =
  | string
  | number
  | boolean
  | null
  | { 'anything-but': Array<string | number> }
  | { exists: boolean }
  | { prefix: string };

/** Whether `record` (as the function would receive it) matches at least one pattern; no patterns match all. */
export const matchesAnyPattern = (patterns: FilterPattern[], record: unknown): boolean =>
  patterns.length === 0 || patterns.some((pattern) => matchesPattern(pattern, record));

const matchesPattern = (pattern: FilterPattern, value: unknown): boolean =>
  Object.entries(pattern).every(([key, expected]) => {
    const field =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) return matchesRules(expected, field);
    return field !== undefined && matchesPattern(expected, field);
  });

const matchesRules = (rules: FilterRule[], field: unknown): boolean => {
  const values = Array.isArray(field) ? field : [field];
  return rules.some((rule) => {
    if (typeof rule === 'object' && rule !== null) {
      if ('exists' in rule) return (field !== undefined) === rule.exists;
      if (field === undefined) return false;
      if ('anything-but' in rule) return values.every((v) => !rule['anything-but'].includes(v as string));
      if ('prefix' in rule) return values.some((v) => typeof v === 'string' && v.startsWith(rule.prefix));
      return false;
    }
    return field !== undefined && values.includes(rule);
  });
};
