// Every ready event in services/*/events runs through its function with `serverless invoke local`, on a local stack
// of its own, exactly as README shows: the exports of `npm run -s local:env`, the event filled by
// `npm run -s local:event`, then `npx serverless invoke local --stage local`. Each event has an expected outcome
// here (what the function answers, and for the admin API what it changed in the pool), and an event file without one
// fails the suite, so a new function's event is run too.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  CreateGroupCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { getRecord } from '@cognito-dr/shared';
import { type OwnStack, startOwnStack } from '../support/own-stack';
import { connect } from '../support/stack';

const ROOT = resolve(__dirname, '..', '..');
const ALICE_PASSWORD = 'Alice-invoke-local-1';

let stack: OwnStack;
let clients: ReturnType<typeof connect>;
let sink: Server;
let responseUrl: string;
/** CloudFormation responses the custom resources PUT to responseUrl. */
const responses: Array<Record<string, unknown>> = [];

interface Invocation {
  /** The exit code of `serverless invoke local`. */
  code: number;
  /** What the function returned, or the error it ended with ({errorMessage, errorType}). */
  result: Record<string, unknown> | null;
  /** The function's structured log lines. */
  logs: Array<Record<string, unknown>>;
  output: string;
}

/** The last JSON value invoke local prints (the result or the error), after the function's log lines. */
const lastJsonValue = (stdout: string): Record<string, unknown> | null => {
  const lines = stdout.split('\n');
  for (let start = lines.length - 1; start >= 0; start -= 1) {
    if (lines[start] !== '{') continue;
    try {
      return JSON.parse(lines.slice(start).join('\n'));
    } catch {
      return null;
    }
  }
  return null;
};

const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** README's three commands, in a shell, from the service's directory. */
const invokeLocal = (service: 'primary' | 'replica', fn: string, eventFile: string) =>
  new Promise<Invocation>((done) => {
    const region = service === 'primary' ? 'primary' : 'backup';
    const script = [
      `eval "$(npm run -s local:env -- ${region})"`,
      `cd services/${service}`,
      `npm run -s local:event -- events/${eventFile} --password ${shellQuote(ALICE_PASSWORD)} ` +
        `--response-url ${shellQuote(responseUrl)} > "$EVENT_FILE"`,
      `npx serverless invoke local --stage local -f ${fn} --path "$EVENT_FILE"`,
    ].join(' && ');
    execFile(
      'bash',
      ['-c', script],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          COGNITO_DR_STACK_FILE: stack.stackFile,
          EVENT_FILE: join(stack.info.logs, `${service}-${eventFile}`),
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const logs = stdout
          .split('\n')
          .filter((line) => line.startsWith('{"'))
          .flatMap((line) => {
            try {
              return [JSON.parse(line) as Record<string, unknown>];
            } catch {
              return [];
            }
          });
        done({ code, result: lastJsonValue(stdout), logs, output: `${stdout}\n${stderr}` });
      },
    );
  });

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

interface Case {
  event: string;
  fn: string;
  /** Throws when the invocation did not end as this event should. */
  expect: (run: Invocation) => Promise<void> | void;
}

const returns = (check: (result: Record<string, unknown>) => Promise<void> | void = () => {}) => {
  return async (run: Invocation) => {
    expect({ code: run.code, errorMessage: run.result?.errorMessage }).toEqual({
      code: 0,
      errorMessage: undefined,
    });
    expect(run.logs.filter((line) => line.level === 'ERROR')).toEqual([]);
    await check(run.result ?? {});
  };
};

const fails = (message: RegExp) => (run: Invocation) => {
  expect(run.code).not.toBe(0);
  expect(String(run.result?.errorMessage)).toMatch(message);
};

/** A Cognito trigger hands the event back, with the trigger source it was given. */
const returnsTheEvent = (triggerSource: RegExp) =>
  returns((result) => expect(String(result.triggerSource)).toMatch(triggerSource));

const answers = (statusCode: number, then: () => Promise<void> | void = () => {}) =>
  returns(async (result) => {
    expect({ statusCode: result.statusCode }).toEqual({ statusCode });
    await then();
  });

const aliceInPrimary = () =>
  clients.primaryPool.send(
    new AdminGetUserCommand({ UserPoolId: stack.info.primary.userPoolId, Username: 'alice' }),
  );

/** The CloudFormation response the custom resource PUT for this request. */
const respondedTo = async (requestId: unknown) => {
  const response = responses.find((r) => r.RequestId === requestId);
  expect(response).toBeDefined();
  return response as Record<string, unknown>;
};

const PRIMARY: Case[] = [
  { event: 'on-pre-sign-up.json', fn: 'onPreSignUp', expect: returnsTheEvent(/^PreSignUp_/) },
  {
    event: 'on-post-confirmation.json',
    fn: 'onPostConfirmation',
    expect: returns(async (result) => {
      expect(result.triggerSource).toBe('PostConfirmation_ConfirmSignUp');
      const record = await getRecord(clients.primaryTable, stack.info.primary.tableName, 'alice');
      expect(record?.attributes?.email).toBe('alice@example.com');
    }),
  },
  {
    event: 'on-post-authentication.json',
    fn: 'onPostAuthentication',
    expect: returnsTheEvent(/^PostAuthentication_/),
  },
  // The primary pool is active: it signs users in.
  {
    event: 'on-pre-authentication.json',
    fn: 'onPreAuthentication',
    expect: returnsTheEvent(/^PreAuthentication_/),
  },
  { event: 'on-custom-message.json', fn: 'onCustomMessage', expect: returnsTheEvent(/^CustomMessage_/) },
  {
    event: 'admin-get-user.json',
    fn: 'adminGetUser',
    expect: answers(200),
  },
  {
    event: 'admin-update-user.json',
    fn: 'adminUpdateUser',
    expect: answers(200, async () => {
      const { UserAttributes } = await aliceInPrimary();
      expect(UserAttributes?.find((a) => a.Name === 'custom:tier')?.Value).toBe('gold');
    }),
  },
  {
    event: 'admin-add-user-to-group.json',
    fn: 'adminAddUserToGroup',
    expect: returns(async (result) => {
      expect(Number(result.statusCode)).toBeLessThan(300);
      expect(await aliceGroups()).toEqual(['staff']);
    }),
  },
  {
    event: 'admin-remove-user-from-group.json',
    fn: 'adminRemoveUserFromGroup',
    expect: returns(async (result) => {
      expect(Number(result.statusCode)).toBeLessThan(300);
      expect(await aliceGroups()).toEqual([]);
    }),
  },
  {
    event: 'admin-disable-user.json',
    fn: 'adminDisableUser',
    expect: returns(async (result) => {
      expect(Number(result.statusCode)).toBeLessThan(300);
      expect((await aliceInPrimary()).Enabled).toBe(false);
    }),
  },
  {
    event: 'admin-enable-user.json',
    fn: 'adminEnableUser',
    expect: returns(async (result) => {
      expect(Number(result.statusCode)).toBeLessThan(300);
      expect((await aliceInPrimary()).Enabled).toBe(true);
    }),
  },
  {
    event: 'admin-create-user.json',
    fn: 'adminCreateUser',
    expect: answers(201, async () => {
      const bob = await clients.primaryPool.send(
        new AdminGetUserCommand({ UserPoolId: stack.info.primary.userPoolId, Username: 'bob' }),
      );
      expect(bob.Username).toBe('bob');
    }),
  },
  // alice is a user of the primary pool, so UserMigration has no one to bring over: the refusal Cognito reads as
  // "no such user".
  { event: 'on-user-migration.json', fn: 'onUserMigration', expect: fails(/cannot be migrated/) },
  ...readdirSync(join(ROOT, 'services', 'primary', 'events'))
    .filter((file) => file.startsWith('on-cognito-api-call-'))
    .map((event) => ({ event, fn: 'onCognitoApiCall', expect: returns() })),
  {
    event: 'on-reconcile-schedule.json',
    fn: 'onReconcileSchedule',
    expect: returns((result) => expect(result).toEqual(expect.any(Object))),
  },
  { event: 'on-roles-heartbeat.json', fn: 'onRolesHeartbeat', expect: returns() },
  {
    event: 'on-user-record-change.json',
    fn: 'onUserRecordChange',
    expect: returns((result) => expect(result).toEqual({ batchItemFailures: [] })),
  },
  {
    // The emulator names its pools local_<id> where Cognito names them <region>_<id>: adoption refuses such an id
    // before any change, and still answers CloudFormation, which is what a stack waits for.
    event: 'on-adopted-pool.json',
    fn: 'onAdoptedPool',
    expect: returns(async () => {
      const response = await respondedTo('7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
      expect(response).toMatchObject({ LogicalResourceId: 'AdoptedUserPool', Status: 'FAILED' });
      expect(String(response.Reason)).toMatch(/is not a user pool id/);
    }),
  },
  {
    event: 'admin-delete-user.json',
    fn: 'adminDeleteUser',
    expect: returns(async (result) => {
      expect(Number(result.statusCode)).toBeLessThan(300);
      await expect(aliceInPrimary()).rejects.toBeInstanceOf(UserNotFoundException);
    }),
  },
];

const REPLICA: Case[] = [
  {
    event: 'backup-stream-lookup.json',
    fn: 'backupStreamLookup',
    expect: returns(async () => {
      const response = responses.find((r) => r.LogicalResourceId === 'BackupStreamLookup');
      expect(response).toMatchObject({ Status: 'SUCCESS' });
      expect(String(response?.PhysicalResourceId)).toMatch(/^arn:aws:dynamodb:.*\/stream\//);
    }),
  },
  { event: 'on-cognito-api-call.json', fn: 'onCognitoApiCall', expect: returns() },
  { event: 'on-configuration-check.json', fn: 'onConfigurationCheck', expect: returns() },
  // The backup pool is on standby: it sends no messages, takes no sign-ups ...
  {
    event: 'on-custom-message.json',
    fn: 'onCustomMessage',
    expect: fails(/on standby and sends no messages/),
  },
  { event: 'on-pre-sign-up.json', fn: 'onPreSignUp', expect: fails(/on standby and takes no sign-ups/) },
  // ... and signs nobody in through the apps' client.
  {
    event: 'on-pre-authentication.json',
    fn: 'onPreAuthentication',
    expect: fails(/on standby and signs nobody in/),
  },
  {
    event: 'on-post-confirmation.json',
    fn: 'onPostConfirmation',
    expect: returnsTheEvent(/^PostConfirmation_/),
  },
  { event: 'on-repair-schedule.json', fn: 'onRepairSchedule', expect: returns() },
  { event: 'on-roles-heartbeat.json', fn: 'onRolesHeartbeat', expect: returns() },
  {
    event: 'on-user-record-change.json',
    fn: 'onUserRecordChange',
    expect: returns((result) => expect(result).toEqual({ batchItemFailures: [] })),
  },
];

const aliceGroups = async () => {
  const { Groups } = await clients.primaryPool.send(
    new AdminListGroupsForUserCommand({ UserPoolId: stack.info.primary.userPoolId, Username: 'alice' }),
  );
  return (Groups ?? []).map((group) => group.GroupName);
};

beforeAll(async () => {
  sink = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      if (request.method === 'PUT') responses.push(JSON.parse(body));
      response.end();
    });
  });
  await new Promise<void>((listening) => sink.listen(0, '127.0.0.1', listening));
  responseUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/cloudformation-response`;
  stack = await startOwnStack('invoke-local', { warm: 'single' });
  clients = connect(stack.info);
  // The user and the group the primary's events name.
  const pool = { UserPoolId: stack.info.primary.userPoolId };
  await clients.primaryPool.send(
    new AdminCreateUserCommand({
      ...pool,
      Username: 'alice',
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: 'alice@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await clients.primaryPool.send(
    new AdminSetUserPasswordCommand({
      ...pool,
      Username: 'alice',
      Password: ALICE_PASSWORD,
      Permanent: true,
    }),
  );
  await clients.primaryPool.send(new CreateGroupCommand({ ...pool, GroupName: 'staff' }));
}, 360_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise((closed) => sink?.close(closed));
}, 60_000);

describe.each([
  ['primary', PRIMARY],
  ['replica', REPLICA],
] as const)('services/%s', (service, cases) => {
  it('has an expected outcome here for every event in its events/ folder', () => {
    const files = readdirSync(join(ROOT, 'services', service, 'events')).sort();
    expect(cases.map((c) => c.event).sort()).toEqual(files);
    for (const c of cases) expect(c.event.startsWith(kebab(c.fn))).toBe(true);
  });

  // In order: the admin API's events act on the user the trigger events capture.
  it.each(cases.map((c) => [c.event, c] as const))(
    'runs %s with serverless invoke local',
    async (_event, c) => {
      const run = await invokeLocal(service, c.fn, c.event);
      try {
        await c.expect(run);
      } catch (error) {
        if (error instanceof Error)
          error.message += `\n--- invoke local output ---\n${run.output.slice(-4000)}`;
        throw error;
      }
    },
    120_000,
  );
});
