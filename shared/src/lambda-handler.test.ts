import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { lambdaHandler } from './lambda-handler';

const context = (requestId: string) =>
  ({
    functionName: 'fn',
    awsRequestId: requestId,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
    memoryLimitInMB: '256',
    getRemainingTimeInMillis: () => 5_000,
  }) as unknown as Context;

/** The EMF documents Powertools wrote to stdout: one per flush. */
const emfDocuments = (lines: string[]) =>
  lines
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: unknown[] } });

describe('lambdaHandler, the one handler factory', () => {
  let written: string[];
  const env = { ...process.env };
  beforeEach(() => {
    written = [];
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'cognito-dr-test';
    process.env.POWERTOOLS_DEV = 'false';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => written.push(args.join(' ')));
    jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => written.push(args.join(' ')));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...env };
  });

  it('builds the core once, loads the user-reference key before each event, and hands over event and context', async () => {
    const order: string[] = [];
    let builds = 0;
    const handler = lambdaHandler<{ n: number }, number>(
      () => {
        builds += 1;
        return async (event, ctx) => {
          order.push(`core ${event.n} ${ctx.awsRequestId}`);
          return event.n * 2;
        };
      },
      { logsUsers: true, userRefKey: async () => void order.push('key') },
    );
    expect(await handler({ n: 1 }, context('r1'))).toBe(2);
    expect(await handler({ n: 2 }, context('r2'))).toBe(4);
    expect(builds).toBe(1);
    expect(order).toEqual(['key', 'core 1 r1', 'key', 'core 2 r2']);
  });

  it('flushes the metrics stored during an invocation, a failed one included, and writes nothing when none were', async () => {
    const handler = lambdaHandler<{ fail: boolean; count: boolean }, string>(
      ({ metrics }) =>
        async (event) => {
          if (event.count) metrics.addMetric('Things', MetricUnit.Count, 1);
          if (event.fail) throw new Error('boom');
          return 'ok';
        },
      { userRefKey: async () => {} },
    );
    await handler({ fail: false, count: false }, context('r1'));
    expect(emfDocuments(written)).toEqual([]);
    expect(written.join('')).not.toContain('No application metrics');

    await handler({ fail: false, count: true }, context('r2'));
    await expect(handler({ fail: true, count: true }, context('r3'))).rejects.toThrow('boom');
    const documents = emfDocuments(written);
    expect(documents).toHaveLength(2);
    expect(documents.map((d) => d.Things)).toEqual([1, 1]);
  });

  it('publishes a ColdStart metric on the first invocation only, when asked', async () => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    const handler = lambdaHandler<object, void>(() => async () => {}, {
      coldStartMetric: true,
      userRefKey: async () => {},
    });
    await handler({}, context('r1'));
    await handler({}, context('r2'));
    const coldStarts = emfDocuments(written).filter((d) => d.ColdStart !== undefined);
    expect(coldStarts).toHaveLength(1);
  });

  it('publishes no ColdStart metric unless asked', async () => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    const handler = lambdaHandler<object, void>(() => async () => {}, { userRefKey: async () => {} });
    await handler({}, context('r1'));
    expect(emfDocuments(written)).toEqual([]);
  });

  it('loads no key in a function that logs no users (it may not read the secret)', async () => {
    const loaded: string[] = [];
    const handler = lambdaHandler<object, string>(() => async () => 'ok', {
      userRefKey: async () => void loaded.push('key'),
    });
    expect(await handler({}, context('r1'))).toBe('ok');
    expect(loaded).toEqual([]);
  });

  it('runs without a context, as a composed trigger or a test calls it', async () => {
    const handler = lambdaHandler<string, string>(() => async (event) => event.toUpperCase(), {
      userRefKey: async () => {},
    });
    expect(await handler('x')).toBe('X');
  });
});
