// Waits for a condition the system reaches asynchronously (replication), failing with the last observation when
// the deadline passes. A poll on an observable condition, never a fixed sleep.
export const eventually = async <T>(
  observe: () => Promise<T>,
  accept: (value: T) => boolean,
  { within, what }: { within: number; what: string },
): Promise<T> => {
  const deadline = Date.now() + within;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await observe();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError instanceof Error ? lastError.name : JSON.stringify(last);
      throw new Error(`${what} did not happen within ${within} ms (last seen: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
