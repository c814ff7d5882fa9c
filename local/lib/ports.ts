// Finds TCP ports on 127.0.0.1 for the local stack: a preferred one when it is free, else any free one.
import { createServer } from 'node:net';

const tryListen = (port: number): Promise<number | null> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : null;
      server.close(() => resolve(bound));
    });
  });

/** Any free port chosen by the kernel. */
export const freePort = async (): Promise<number> => {
  const port = await tryListen(0);
  if (port === null) throw new Error('no free TCP port on 127.0.0.1');
  return port;
};

/** `preferred` if nothing listens on it, else a free port. `preferred` 0 always means "any". */
export const portOrFree = async (preferred: number): Promise<number> =>
  (preferred > 0 ? await tryListen(preferred) : null) ?? freePort();

/** Distinct ports for several names at once, so two components never race for the same free port. */
export const allocatePorts = async <K extends string>(
  preferred: Record<K, number>,
): Promise<Record<K, number>> => {
  const taken = new Set<number>();
  const result = {} as Record<K, number>;
  for (const name of Object.keys(preferred) as K[]) {
    let port = await portOrFree(preferred[name]);
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    result[name] = port;
  }
  return result;
};
