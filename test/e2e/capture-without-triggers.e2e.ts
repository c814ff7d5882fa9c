// An adopted pool deployed with installTriggers false keeps its own triggers and runs none of cognito-dr's: every
// user change must still reach the backup pool, from CloudTrail alone. On a stack of its own whose primary pool has
// no trigger of ours (the local CloudTrail stand-in delivers the events), with no reconcile run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StackInfo } from '@cognito-dr/shared';
import { type RunningStack, startStack } from '../../local/stack/start-stack';
import { eventually } from '../support/eventually';

let running: RunningStack;
let dataDir: string;
let stack: StackInfo;
let primary: CognitoIdentityProviderClient;
let backup: CognitoIdentityProviderClient;
let table: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cognito-dr-no-triggers-'));
  running = await startStack({
    root: resolve(__dirname, '..', '..'),
    dataDir,
    fresh: true,
    replicationDelayMs: 0,
    ports: 'free',
    primaryTriggers: 'none',
    progress: () => {},
  });
  stack = JSON.parse(readFileSync(running.stackFile, 'utf8'));
  const client = (side: StackInfo['primary']) =>
    new CognitoIdentityProviderClient({
      region: side.region,
      endpoint: side.cognitoEndpoint,
      credentials: stack.credentials,
    });
  primary = client(stack.primary);
  backup = client(stack.backup);
  table = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: stack.primary.region,
      endpoint: stack.primary.dynamodbEndpoint,
      credentials: stack.credentials,
    }),
  );
}, 180_000);

afterAll(async () => {
  for (const c of [primary, backup]) c?.destroy();
  table?.destroy();
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const cloudTrailDelivers = async (recording: boolean) => {
  const response = await fetch(stack.faultInjection.cloudTrail, {
    method: 'PUT',
    body: JSON.stringify({ recording }),
  });
  expect(response.ok).toBe(true);
};

const name = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
const inPrimary = (username: string) => ({ UserPoolId: stack.primary.userPoolId, Username: username });
const inBackup = (username: string) => ({ UserPoolId: stack.backup.userPoolId, Username: username });
const recordOf = async (username: string) =>
  (await table.send(new GetCommand({ TableName: stack.primary.tableName, Key: { username } }))).Item;

const signUpAndConfirm = async (username: string) => {
  await primary.send(
    new SignUpCommand({
      ClientId: stack.primary.clientId,
      Username: username,
      Password: 'Passw0rd!-long',
      UserAttributes: [
        { Name: 'email', Value: `${username}@example.com` },
        { Name: 'custom:tier', Value: 'silver' },
      ],
    }),
  );
  await primary.send(new AdminConfirmSignUpCommand(inPrimary(username)));
};

const inBackupPool = (username: string, what: string) =>
  eventually(
    () => backup.send(new AdminGetUserCommand(inBackup(username))).catch(() => undefined),
    (user) => user !== undefined,
    { within: 30_000, what },
  );

describe('a primary pool without any trigger of cognito-dr', () => {
  it('captures nothing at confirmation: without CloudTrail, a confirmed sign-up never reaches the table', async () => {
    await cloudTrailDelivers(false);
    const unseen = name('no-trail');
    try {
      // Cognito runs PostConfirmation before the confirmation returns, and the trigger captures before it answers:
      // with one installed, the record would be there now.
      await signUpAndConfirm(unseen);
      expect(await recordOf(unseen)).toBeUndefined();
    } finally {
      await cloudTrailDelivers(true);
    }
  });

  it('brings a sign-up, an admin-created user, attribute, status and group changes and a deletion to the backup pool from CloudTrail alone', async () => {
    const signedUp = name('ct-signup');
    const started = Date.now();
    await signUpAndConfirm(signedUp);
    await inBackupPool(signedUp, 'the signed-up user in the backup pool');
    const signUpLagMs = Date.now() - started;

    const created = name('ct-admin');
    await primary.send(
      new AdminCreateUserCommand({
        ...inPrimary(created),
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: `${created}@example.com` },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await inBackupPool(created, 'the admin-created user in the backup pool');

    await primary.send(
      new CreateGroupCommand({ UserPoolId: stack.primary.userPoolId, GroupName: 'ct-editors' }),
    );
    await primary.send(
      new AdminUpdateUserAttributesCommand({
        ...inPrimary(signedUp),
        UserAttributes: [{ Name: 'custom:tier', Value: 'gold' }],
      }),
    );
    await primary.send(new AdminDisableUserCommand(inPrimary(signedUp)));
    await primary.send(new AdminAddUserToGroupCommand({ ...inPrimary(signedUp), GroupName: 'ct-editors' }));
    await primary.send(new AdminDeleteUserCommand(inPrimary(created)));

    await eventually(
      async () => {
        const user = await backup.send(new AdminGetUserCommand(inBackup(signedUp)));
        const groups = await backup.send(new AdminListGroupsForUserCommand(inBackup(signedUp)));
        return {
          tier: user.UserAttributes?.find((a) => a.Name === 'custom:tier')?.Value,
          enabled: user.Enabled,
          groups: groups.Groups?.map((g) => g.GroupName),
        };
      },
      (state) =>
        state.tier === 'gold' && state.enabled === false && state.groups?.includes('ct-editors') === true,
      { within: 30_000, what: 'the attribute, disabling and group in the backup pool' },
    );
    await eventually(
      () =>
        backup.send(new AdminGetUserCommand(inBackup(created))).then(
          () => 'present',
          () => 'gone',
        ),
      (state) => state === 'gone',
      { within: 30_000, what: 'the deletion in the backup pool' },
    );
    // The stand-in delivers at once; CloudTrail's own delay in AWS comes on top of this (docs/deploy.md).
    process.stdout.write(
      `sign-up to backup pool through CloudTrail alone (local stand-in): ${signUpLagMs} ms\n`,
    );
  });
});
