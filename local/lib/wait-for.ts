// Readiness by observation: polls a probe until it answers, instead of sleeping for a guessed time.
export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

export interface WaitOptions {
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Rejects early when the component being waited for has already died. */
  abort?: Promise<never>;
}

export const waitFor = async <T>(probe: () => Promise<T | undefined>, opts: WaitOptions): Promise<T> => {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let lastError: unknown;
  const poll = async (): Promise<T> => {
    for (;;) {
      try {
        const value = await probe();
        if (value !== undefined) return value;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
        throw new NotReadyError(`${opts.what} was not ready after ${opts.timeoutMs ?? 60_000} ms${cause}`);
      }
      await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 100));
    }
  };
  return opts.abort ? Promise.race([poll(), opts.abort]) : poll();
};

/** Resolves when an HTTP server answers anything at all on `url`. */
export const httpAnswers = async (url: string): Promise<true | undefined> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await response.arrayBuffer();
  return true;
};
