// Serves a fake Cognito region over HTTP in the AWS JSON protocol, so a command line run with the plain SDK (the
// CLI's own clients) is tested against the fake's rules: X-Amz-Target names the operation, errors carry __type.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfigurationApi } from '@cognito-dr/shared';

export interface ServedRegion {
  endpoint: string;
  close(): Promise<void>;
}

const methodOf = (target: string) => {
  const operation = target.split('.').at(-1) ?? '';
  return `${operation.charAt(0).toLowerCase()}${operation.slice(1)}` as keyof ConfigurationApi;
};

export async function serveConfiguration(api: ConfigurationApi): Promise<ServedRegion> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const method = methodOf(String(request.headers['x-amz-target']));
      const send = (status: number, body: unknown) =>
        response
          .writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify(body));
      const handler = api[method] as ((input: unknown) => Promise<unknown>) | undefined;
      if (typeof handler !== 'function') {
        send(400, { __type: 'UnknownOperationException', message: `not served: ${method}` });
        return;
      }
      try {
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        send(200, (await handler.call(api, input)) ?? {});
      } catch (error) {
        const { name, message } = error as Error;
        send(400, { __type: name, message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
