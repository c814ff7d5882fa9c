import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { putResponse } from './custom-resource';

describe('putResponse', () => {
  const withServer = async (
    statuses: number[],
    run: (
      url: string,
      seen: { headers: IncomingHttpHeaders; body: string; method?: string }[],
    ) => Promise<void>,
  ) => {
    const seen: { headers: IncomingHttpHeaders; body: string; method?: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        seen.push({ headers: req.headers, body, method: req.method });
        res.statusCode = statuses[seen.length - 1] ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await run(`http://127.0.0.1:${port}/presigned?X-Amz-Signature=abc`, seen);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  };

  it('PUTs the document with the empty Content-Type the pre-signed URL was signed for', async () => {
    await withServer([200], async (url, seen) => {
      await putResponse(url, '{"Status":"SUCCESS"}');
      expect(seen).toEqual([
        {
          method: 'PUT',
          body: '{"Status":"SUCCESS"}',
          headers: expect.objectContaining({ 'content-type': '', 'content-length': '20' }),
        },
      ]);
    });
  });

  it('retries a rejected response, then gives up with the status', async () => {
    await withServer([503, 200], async (url, seen) => {
      await putResponse(url, '{}', { backoffMs: 1 });
      expect(seen).toHaveLength(2);
    });
    await withServer([403, 403], async (url) => {
      await expect(putResponse(url, '{}', { attempts: 2, backoffMs: 1 })).rejects.toThrow('status 403');
    });
  });
});
