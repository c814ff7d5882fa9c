import { join } from 'node:path';
import type { InvokeCommand } from '@aws-sdk/client-lambda';
import { readServerlessYml } from '../lib/cloudformation-yaml';
import {
  type PoolTrigger,
  triggerEvent,
  WARM_UP_USERNAME,
  type WarmTarget,
  warmFunctions,
  warmUpTargets,
} from './warm-functions';

const pool = { region: 'ap-northeast-1', userPoolId: 'ap-northeast-1_Pool', clientId: 'replicator' };

/** A Lambda endpoint that answers once every call it expects is in flight: calls made one after another hang. */
const barrierLambda = (expected: number, statusOf: (name: string) => number = () => 200) => {
  const calls: Array<{ name: string; event: unknown }> = [];
  let release: () => void = () => {};
  const allArrived = new Promise<void>((resolve) => {
    release = resolve;
  });
  const send = async (command: InvokeCommand) => {
    const { FunctionName = '', Payload } = command.input;
    calls.push({
      name: FunctionName,
      event: JSON.parse(Buffer.from(Payload as Uint8Array).toString('utf8')),
    });
    if (calls.length === expected) release();
    await allArrived;
    return { StatusCode: statusOf(FunctionName) };
  };
  return { lambda: { send } as never, calls };
};

describe('warmFunctions', () => {
  const targets: WarmTarget[] = [
    { functionName: 'pre', instances: 3, event: { a: 1 } },
    { functionName: 'post', instances: 2, event: { b: 2 } },
  ];

  it('invokes each function as many times as it keeps instances, all at once, with its event', async () => {
    const { lambda, calls } = barrierLambda(5);
    await expect(warmFunctions(lambda, targets)).resolves.toEqual({ functions: 2, instances: 5 });
    expect(calls.filter((call) => call.name === 'pre').map((call) => call.event)).toEqual([
      { a: 1 },
      { a: 1 },
      { a: 1 },
    ]);
    expect(calls.filter((call) => call.name === 'post')).toHaveLength(2);
  });

  it('fails when a function could not be invoked, naming it', async () => {
    const { lambda } = barrierLambda(5, (name) => (name === 'post' ? 502 : 200));
    await expect(warmFunctions(lambda, targets)).rejects.toThrow('warming post: Lambda answered 502');
  });

  it('fails when the endpoint refuses the call', async () => {
    const lambda = { send: async () => Promise.reject(new Error('ResourceNotFoundException')) } as never;
    await expect(warmFunctions(lambda, targets)).rejects.toThrow('ResourceNotFoundException');
  });
});

describe('triggerEvent', () => {
  const triggers: PoolTrigger[] = [
    'PreSignUp',
    'CustomMessage',
    'PostConfirmation',
    'PostAuthentication',
    'PreAuthentication',
    'UserMigration',
  ];

  it.each(triggers)('names a user no pool can hold, in the pool and client given (%s)', (trigger) => {
    const event = triggerEvent(pool, trigger);
    // Cognito's username pattern is [\p{L}\p{M}\p{S}\p{N}\p{P}]+: white space never names a user or a record.
    expect(WARM_UP_USERNAME).toMatch(/\s/);
    expect(event).toMatchObject({
      userName: WARM_UP_USERNAME,
      userPoolId: pool.userPoolId,
      region: pool.region,
      callerContext: { clientId: pool.clientId },
      triggerSource: expect.stringMatching(new RegExp(`^${trigger}_`)),
    });
  });
});

describe('warmUpTargets', () => {
  type Service = {
    resources: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  };
  const poolTriggers = (service: string): string[] => {
    const yml = readServerlessYml<Service>(join(__dirname, '../../services', service, 'serverless.yml'));
    return Object.values(yml.resources.Resources)
      .filter((resource) => resource.Type === 'AWS::Cognito::UserPool')
      .flatMap((resource) => Object.keys((resource.Properties.LambdaConfig as object | undefined) ?? {}));
  };

  it.each([
    ['primary', 'primary'],
    ['backup', 'replica'],
  ] as const)(
    'keeps every trigger the %s pool declares warm, and the stream consumer and CloudTrail capture',
    (side, service) => {
      const declared = poolTriggers(service);
      expect(declared.length).toBeGreaterThan(0);
      const warmed = warmUpTargets(side, pool, (key) => `fn-${key}`);
      const names = warmed.map((target) => target.functionName);
      for (const trigger of declared) expect(names).toContain(`fn-on${trigger}`);
      expect(names).toEqual(expect.arrayContaining(['fn-onUserRecordChange', 'fn-onCognitoApiCall']));
      for (const target of warmed) expect(target.instances).toBeGreaterThan(0);
    },
  );

  it('warms each function once for stacks whose callers go one at a time, and a burst wide otherwise', () => {
    const single = warmUpTargets('backup', pool, (key) => key, 'single');
    const burst = warmUpTargets('backup', pool, (key) => key);
    expect(single.map((target) => target.functionName)).toEqual(burst.map((target) => target.functionName));
    expect(single.every((target) => target.instances === 1)).toBe(true);
    expect(burst.find((target) => target.functionName === 'onPreSignUp')?.instances).toBeGreaterThan(1);
  });
});
