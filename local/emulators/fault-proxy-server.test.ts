import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTROL_PATH, type RunningFaultProxy, startFaultProxy } from './fault-proxy-server';

let upstream: Server;
let upstreamUrl: URL;
let upstreamCalls: string[];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      upstreamCalls.push(`${req.headers['x-amz-target']} ${Buffer.concat(chunks).toString()}`);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

let proxy: RunningFaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function start(overrides: { random?: () => number } = {}) {
  let now = 1_000_000;
  const slept: number[] = [];
  proxy = await startFaultProxy({
    target: upstreamUrl,
    port: 0,
    now: () => now,
    random: overrides.random ?? (() => 0.99),
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  upstreamCalls = [];
  const base = `http://127.0.0.1:${proxy.port}`;
  const call = (operation: string) =>
    fetch(base, {
      method: 'POST',
      headers: { 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
      body: JSON.stringify({ Username: 'u' }),
    });
  const control = async (body?: object) => {
    const response = await fetch(`${base}${CONTROL_PATH}`, {
      method: body ? 'PUT' : 'GET',
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { call, control, slept, advance: (ms: number) => (now += ms) };
}

describe('the fault proxy', () => {
  it('forwards calls untouched and counts them per operation', async () => {
    const { call, control } = await start();
    expect((await call('SignUp')).status).toBe(200);
    expect((await call('AdminGetUser')).status).toBe(200);
    expect(upstreamCalls).toEqual([
      'AWSCognitoIdentityProviderService.SignUp {"Username":"u"}',
      'AWSCognitoIdentityProviderService.AdminGetUser {"Username":"u"}',
    ]);
    expect((await control()).body).toMatchObject({
      forwarded: 2,
      operations: { SignUp: { forwarded: 1, throttled: 0 }, AdminGetUser: { forwarded: 1, throttled: 0 } },
      users: { u: { SignUp: 1, AdminGetUser: 1 } },
    });
  });

  it('adds the latency it is told to every call', async () => {
    const { call, control, slept } = await start();
    await control({ latencyMs: 50 });
    await call('SignUp');
    await call('SignUp');
    expect(slept).toEqual([50, 50]);
  });

  it("enforces each category's quota, scaled, one second of burst, refilled over time", async () => {
    const { call, control, advance } = await start();
    await control({ quotaScale: 0.2 });
    // UserUpdate: 25 rps x 0.2 = 5.
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await call('AdminDisableUser')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 400]);
    // Another category has its own quota.
    expect((await call('SignUp')).status).toBe(200);
    advance(1000);
    expect((await call('AdminDisableUser')).status).toBe(200);
    expect((await control()).body).toMatchObject({ quotaThrottled: 1 });
  });

  it('rejects a random share of calls the way Cognito does, before they reach the pool', async () => {
    const { call, control } = await start({ random: () => 0.1 });
    await control({ throttleRate: 0.3 });
    const response = await call('SignUp');
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    expect(((await response.json()) as { __type: string }).__type).toBe('TooManyRequestsException');
    expect(upstreamCalls).toEqual([]);
    const { body } = await control();
    expect(body).toMatchObject({ throttled: 1, operations: { SignUp: { throttled: 1 } } });
    expect(body.users).toEqual({});
  });

  it('refuses a bad setting, naming it, and keeps the old ones', async () => {
    const { control } = await start();
    expect(await control({ throttleRate: 2, latencyMs: 10 })).toEqual({
      status: 400,
      body: { message: 'throttleRate: 0 to 1' },
    });
    expect((await control({ quotaScale: 0 })).status).toBe(400);
    expect((await control()).body).toMatchObject({ throttleRate: 0, latencyMs: 0, quotaScale: null });
  });

  it('resets its counts on request', async () => {
    const { call, control } = await start();
    await call('SignUp');
    expect((await control({ resetCounts: true })).body).toMatchObject({
      forwarded: 0,
      operations: {},
      users: {},
    });
  });
});
