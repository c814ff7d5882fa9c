// Small statistics for benchmark reports: percentiles and the median of repeated runs.
export const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? Number.NaN;
};

export const median = (values: number[]): number => percentile(values, 50);

/** Runs `tasks` with at most `limit` in flight. */
export const pool = async <T>(items: T[], limit: number, task: (item: T, index: number) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};
