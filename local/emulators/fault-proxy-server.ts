// LOCAL ONLY: an HTTP proxy in front of one cognito-local that behaves like a loaded Cognito: it can add latency to
// every call, enforce Cognito's per-category request-rate quotas (scaled, e.g. 0.2 for "other workloads use 80 % of
// the account's quota"), and reject a random share of calls whatever the rate (a noisy neighbour). Rejections are
// what Cognito answers (HTTP 400 TooManyRequestsException) and happen before the call has any effect. Settings
// change at run time through the control path.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { COGNITO_QUOTAS, type QuotaCategory, quotaCategoryOf } from '@cognito-dr/shared';

export const CONTROL_PATH = '/__fault-injection';

interface FaultSettings {
  /** Share (0..1) of calls rejected at random. */
  throttleRate: number;
  /** Added to every call, rejected or not. */
  latencyMs: number;
  /** Enforce each category's default quota times this; null: no quotas. */
  quotaScale: number | null;
}

interface FaultCounts {
  forwarded: number;
  /** Rejected at random. */
  throttled: number;
  /** Rejected because their category's quota was spent. */
  quotaThrottled: number;
  /** Per operation (X-Amz-Target without the service prefix): forwarded and rejected. */
  operations: Record<string, { forwarded: number; throttled: number }>;
  /** Per Username the call named (as sent), the calls forwarded per operation: what one user cost the pool. */
  users: Record<string, Record<string, number>>;
}

export interface FaultProxyOptions {
  target: URL;
  port: number;
  settings?: Partial<FaultSettings>;
  /** Injected in tests; the real clock, Math.random and setTimeout otherwise. */
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RunningFaultProxy {
  port: number;
  close(): Promise<void>;
}

/** One second of burst on top of the rate, as a token bucket: close to how Cognito's quotas behave. */
class Bucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rps: number,
    now: number,
  ) {
    this.tokens = rps;
    this.at = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.rps, this.tokens + ((now - this.at) / 1000) * this.rps);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<RunningFaultProxy> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const settings: FaultSettings = { throttleRate: 0, latencyMs: 0, quotaScale: null, ...options.settings };
  let buckets = new Map<QuotaCategory, Bucket>();
  const counts: FaultCounts = { forwarded: 0, throttled: 0, quotaThrottled: 0, operations: {}, users: {} };

  const control = (req: IncomingMessage, res: ServerResponse, body: string) => {
    if (req.method === 'PUT') {
      const problem = apply(settings, body);
      if (problem) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: problem }));
        return;
      }
      // New quotas start with full buckets.
      buckets = new Map();
      if ((JSON.parse(body || '{}') as { resetCounts?: unknown }).resetCounts === true) {
        Object.assign(counts, { forwarded: 0, throttled: 0, quotaThrottled: 0, operations: {}, users: {} });
      }
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ...settings, ...counts }));
  };

  // Read alongside the pipe to the pool, which it does not hold up.
  const countPerUser = (req: IncomingMessage, operation: string) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let username: unknown;
      try {
        username = (JSON.parse(Buffer.concat(chunks).toString()) as { Username?: unknown }).Username;
      } catch {
        return;
      }
      if (typeof username !== 'string') return;
      const calls = counts.users[username] ?? {};
      calls[operation] = (calls[operation] ?? 0) + 1;
      counts.users[username] = calls;
    });
  };

  const reject = (res: ServerResponse) =>
    res
      .writeHead(400, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': 'TooManyRequestsException',
      })
      .end(JSON.stringify({ __type: 'TooManyRequestsException', message: 'Rate exceeded (injected)' }));

  const server: Server = createServer((req, res) => {
    if (req.url === CONTROL_PATH) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => control(req, res, Buffer.concat(chunks).toString()));
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.lastIndexOf('.') + 1) || 'unknown';
    counts.operations[operation] ??= { forwarded: 0, throttled: 0 };
    const perOperation = counts.operations[operation];
    const handle = async () => {
      if (settings.latencyMs > 0) await sleep(settings.latencyMs);
      if (random() < settings.throttleRate) {
        counts.throttled += 1;
        perOperation.throttled += 1;
        req.resume();
        reject(res);
        return;
      }
      const category = quotaCategoryOf(operation);
      if (settings.quotaScale !== null && category !== undefined) {
        let bucket = buckets.get(category);
        if (!bucket) {
          bucket = new Bucket(COGNITO_QUOTAS[category].rps * settings.quotaScale, now());
          buckets.set(category, bucket);
        }
        if (!bucket.take(now())) {
          counts.quotaThrottled += 1;
          perOperation.throttled += 1;
          req.resume();
          reject(res);
          return;
        }
      }
      counts.forwarded += 1;
      perOperation.forwarded += 1;
      const upstream = request(
        {
          host: options.target.hostname,
          port: options.target.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      countPerUser(req, operation);
      req.pipe(upstream);
    };
    // The request body stays paused until it is piped or drained, so waiting out the latency loses nothing.
    req.pause();
    void handle();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Applies a control request's settings; returns the rule broken, changing nothing, when one is wrong. */
function apply(settings: FaultSettings, body: string): string | undefined {
  let wanted: Record<string, unknown>;
  try {
    wanted = JSON.parse(body || '{}') as Record<string, unknown>;
  } catch {
    return 'body: not JSON';
  }
  const next = { ...settings };
  if ('throttleRate' in wanted) {
    const rate = Number(wanted.throttleRate);
    if (!(rate >= 0 && rate <= 1)) return 'throttleRate: 0 to 1';
    next.throttleRate = rate;
  }
  if ('latencyMs' in wanted) {
    const latency = Number(wanted.latencyMs);
    if (!(latency >= 0 && latency <= 60_000)) return 'latencyMs: 0 to 60000';
    next.latencyMs = latency;
  }
  if ('quotaScale' in wanted) {
    const scale = wanted.quotaScale === null ? null : Number(wanted.quotaScale);
    if (scale !== null && !(scale > 0)) return 'quotaScale: a positive number, or null for no quotas';
    next.quotaScale = scale;
  }
  Object.assign(settings, next);
  return undefined;
}
