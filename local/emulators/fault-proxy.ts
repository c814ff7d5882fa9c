// Child process entry: an HTTP proxy in front of one emulator that rejects a chosen share of calls the way an
// overloaded AWS service does (HTTP 400 TooManyRequestsException, before the call has any effect), so retries
// with back-off are proven against the real handlers. The share is changed at run time by
// `PUT /__fault-injection {"throttleRate": 0.3}`; it starts at FAULT_THROTTLE_RATE (default 0).
import { createServer, request } from 'node:http';

const target = new URL(process.env.FAULT_TARGET ?? '');
const port = Number(process.env.FAULT_PORT);
if (!target.host || !Number.isInteger(port)) throw new Error('FAULT_TARGET and FAULT_PORT must be set');

let throttleRate = Number(process.env.FAULT_THROTTLE_RATE ?? '0');
const counts = { forwarded: 0, throttled: 0 };
const CONTROL_PATH = '/__fault-injection';

const server = createServer((req, res) => {
  if (req.url === CONTROL_PATH) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'PUT') {
        const rate = Number(
          (JSON.parse(Buffer.concat(chunks).toString() || '{}') as { throttleRate?: unknown }).throttleRate,
        );
        if (!(rate >= 0 && rate <= 1)) {
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end('{"message":"throttleRate: 0 to 1"}');
          return;
        }
        throttleRate = rate;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ throttleRate, ...counts }));
    });
    return;
  }
  if (Math.random() < throttleRate) {
    counts.throttled += 1;
    req.resume();
    res
      .writeHead(400, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': 'TooManyRequestsException',
      })
      .end(JSON.stringify({ __type: 'TooManyRequestsException', message: 'Rate exceeded (injected)' }));
    return;
  }
  counts.forwarded += 1;
  const upstream = request(
    { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.writeHead(502).end());
  req.pipe(upstream);
});

server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`fault proxy on 127.0.0.1:${port} -> ${target.origin}, throttling ${throttleRate}\n`);
});
