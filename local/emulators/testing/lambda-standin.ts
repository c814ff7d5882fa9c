// For tests: an HTTP server speaking the Lambda Invoke API that cognito-local calls for its triggers. It records
// every event by function name and answers as each test tells it: the event back (the default), a function error,
// or a failed invocation.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type TriggerAnswer = { error?: string; event?: unknown; crash?: true };

export class LambdaStandin {
  /** Trigger events received, by function name. */
  readonly received: Record<string, Record<string, unknown>[]> = {};
  /** What each function answers; the event back when unset. */
  readonly answers: Record<string, (event: Record<string, unknown>) => TriggerAnswer> = {};
  private readonly server: Server = createServer((req, res) => {
    const name = decodeURIComponent(req.url?.split('/')[3] ?? '');
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const event = JSON.parse(body) as Record<string, unknown>;
      this.received[name] = [...(this.received[name] ?? []), event];
      const answer = this.answers[name]?.(event) ?? { event };
      if (answer.crash) {
        res.writeHead(500, { 'x-amzn-errortype': 'ServiceException' }).end('{}');
      } else if (answer.error) {
        res
          .writeHead(200, { 'x-amz-function-error': 'Unhandled' })
          .end(JSON.stringify({ errorMessage: answer.error }));
      } else {
        res.writeHead(200).end(JSON.stringify(answer.event));
      }
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** cognito-local's LambdaClient configuration pointing at this server. */
  get lambdaClient() {
    return {
      endpoint: `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }
}
