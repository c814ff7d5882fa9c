// The PostConfirmation core: captures in the active region, stays silent in a standby one, never fails the trigger.
import { recordFromItem } from '@cognito-dr/shared';
import { FakeTable } from '@cognito-dr/shared/src/testing/fake-table';
import { FakeUserPool } from '@cognito-dr/shared/src/testing/fake-user-pool';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { onPostConfirmation } from './post-confirmation';

const event = (userName: string): PostConfirmationTriggerEvent => ({
  version: '1',
  region: 'us-east-1',
  userPoolId: 'us-east-1_pool',
  userName,
  callerContext: { awsSdkVersion: 'test', clientId: 'app' },
  triggerSource: 'PostConfirmation_ConfirmSignUp',
  request: { userAttributes: { email: 'ada@example.com' } },
  response: {},
});

const setUp = (active: boolean, noted: string[] = []) => {
  const pool = new FakeUserPool();
  const table = new FakeTable();
  pool.addUser({
    username: 'ada',
    enabled: true,
    status: 'CONFIRMED',
    attributes: { email: 'ada@example.com' },
  });
  const logs: { message: string; fields: unknown }[] = [];
  const metrics: string[] = [];
  const log = (message: string, fields?: unknown) => {
    logs.push({ message, fields });
  };
  const trigger = onPostConfirmation(
    {
      cognito: pool.client,
      table: table.client,
      tableName: 'users',
      origin: 'us-east-1',
      now: () => 1_000,
      isActive: async () => active,
      noteReset: async (username) => {
        noted.push(username);
      },
    },
    { info: log, error: log } as never,
    { addMetric: (name: string) => metrics.push(name) } as never,
  );
  return { pool, table, trigger, logs, metrics };
};

it('captures the confirmed user in the active region and hands the event back unchanged', async () => {
  const { table, trigger, metrics } = setUp(true);
  const input = event('ada');
  expect(await trigger(input)).toBe(input);
  expect(recordFromItem(table.get('ada') ?? {})).toMatchObject({ username: 'ada', origin: 'us-east-1' });
  expect(metrics).toEqual(['UsersCaptured']);
});

it('captures nothing in a standby region, where confirmations are the replicator’s own sign-ups', async () => {
  const { pool, table, trigger, metrics } = setUp(false);
  await trigger(event('ada'));
  expect(table.items.size).toBe(0);
  expect(pool.calls).toEqual([]);
  expect(metrics).toEqual(['CaptureSkippedStandby']);
});

it('never fails the trigger: a capture that fails is counted and logged without the username', async () => {
  const { pool, trigger, logs, metrics } = setUp(true);
  pool.failNext(
    'AdminGetUser',
    Object.assign(new Error('ada@example.com is throttled'), { name: 'TooManyRequestsException' }),
  );
  const input = event('ada');
  expect(await trigger(input)).toBe(input);
  expect(metrics).toEqual(['CaptureFailed']);
  // As a JSON value or in the email: the user reference is hex, which may spell "ada" by chance.
  expect(JSON.stringify(logs)).not.toMatch(/"ada"|ada@/);
  expect(logs[0]?.fields).toMatchObject({ error: 'TooManyRequestsException' });
});

it('notes a confirmed password reset, for the failback report, and only that', async () => {
  const noted: string[] = [];
  const { trigger } = setUp(true, noted);
  await trigger(event('ada'));
  await trigger({ ...event('ada'), triggerSource: 'PostConfirmation_ConfirmForgotPassword' });
  expect(noted).toEqual(['ada']);
});
