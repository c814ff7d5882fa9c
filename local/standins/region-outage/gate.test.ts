// A gate passes traffic through while its region is available and cuts it, open connections included, while not.
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gate } from './gate';

let upstream: Server;
let gate: Gate;
let port: number;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  upstream = createServer((_req, res) => res.end('hello from the region'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  gate = new Gate('cognito', (upstream.address() as AddressInfo).port);
  port = await gate.listen(0);
});

afterAll(async () => {
  agent.destroy();
  await gate.close();
  await new Promise((resolve) => upstream.close(resolve));
});

const get = (): Promise<string> =>
  new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });

it('passes requests through, refuses them while the region is out, and passes them again after', async () => {
  expect(await get()).toBe('hello from the region');
  // The keep-alive connection of the first request is open now; an outage must cut it too.
  gate.setAvailable(false);
  expect(gate.isAvailable).toBe(false);
  await expect(get()).rejects.toThrow(/socket hang up|ECONNRESET/);
  await expect(get()).rejects.toThrow(/socket hang up|ECONNRESET/);
  gate.setAvailable(true);
  expect(await get()).toBe('hello from the region');
});
