// The exact Cognito and DynamoDB requests behind each pool method (and so the IAM actions each route needs).
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cognitoBackupPool, cognitoPrimaryPool, dynamoRecordReader } from './pool';
import { awsError } from './testing/fakes';

interface Sent {
  command: string;
  input: Record<string, unknown>;
}

function fakeClient(answer: (sent: Sent) => unknown = () => ({})) {
  const sent: Sent[] = [];
  // An instance of the client class: the SDK's paginators accept no other.
  const client = Object.assign(Object.create(CognitoIdentityProviderClient.prototype), {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const request = { command: command.constructor.name, input: command.input };
      sent.push(request);
      const result = answer(request);
      if (result instanceof Error) throw result;
      return result;
    },
  });
  return { sent, client: client as unknown as CognitoIdentityProviderClient & DynamoDBDocumentClient };
}

const UserPoolId = 'us-east-1_Primary1';

describe('cognitoPrimaryPool', () => {
  it('creates a user with the invitation suppressed by default', async () => {
    const { sent, client } = fakeClient();
    await cognitoPrimaryPool(client, UserPoolId).createUser({
      username: 'newcomer',
      attributes: [{ Name: 'email', Value: 'n@example.com' }],
      groups: [],
      sendInvitation: false,
    });
    expect(sent).toEqual([
      {
        command: 'AdminCreateUserCommand',
        input: {
          UserPoolId,
          Username: 'newcomer',
          UserAttributes: [{ Name: 'email', Value: 'n@example.com' }],
          TemporaryPassword: undefined,
          MessageAction: 'SUPPRESS',
        },
      },
    ]);
  });

  it('sends the invitation by e-mail when asked, with the temporary password', async () => {
    const { sent, client } = fakeClient();
    await cognitoPrimaryPool(client, UserPoolId).createUser({
      username: 'newcomer',
      attributes: [],
      groups: [],
      temporaryPassword: 'Tmp-Passw0rd!',
      sendInvitation: true,
    });
    expect(sent[0]?.input).toMatchObject({
      TemporaryPassword: 'Tmp-Passw0rd!',
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(sent[0]?.input).not.toHaveProperty('MessageAction');
  });

  it.each([
    ['updateAttributes', ['u', [{ Name: 'name', Value: 'N' }]], 'AdminUpdateUserAttributesCommand'],
    ['deleteUser', ['u'], 'AdminDeleteUserCommand'],
    ['setEnabled', ['u', false], 'AdminDisableUserCommand'],
    ['setEnabled', ['u', true], 'AdminEnableUserCommand'],
    ['addToGroup', ['u', 'g'], 'AdminAddUserToGroupCommand'],
    ['removeFromGroup', ['u', 'g'], 'AdminRemoveUserFromGroupCommand'],
    ['groupExists', ['g'], 'GetGroupCommand'],
    ['canonicalUsername', ['u'], 'AdminGetUserCommand'],
  ] as const)('%s sends %s', async (method, args, command) => {
    const { sent, client } = fakeClient();
    const pool = cognitoPrimaryPool(client, UserPoolId) as unknown as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    await pool[method]?.(...args);
    expect(sent.map((request) => request.command)).toEqual([command]);
    expect(sent[0]?.input.UserPoolId).toBe(UserPoolId);
  });

  it('reads a user with its groups (AdminGetUser, AdminListGroupsForUser)', async () => {
    const { sent, client } = fakeClient(({ command }) =>
      command === 'AdminGetUserCommand'
        ? {
            Username: 'Victim',
            UserAttributes: [{ Name: 'sub', Value: 's' }],
            Enabled: true,
            UserStatus: 'CONFIRMED',
          }
        : { Groups: [{ GroupName: 'staff' }] },
    );
    const user = await cognitoPrimaryPool(client, UserPoolId).readUser('victim');
    expect(user?.groups).toEqual(['staff']);
    expect(sent.map((request) => request.command)).toEqual([
      'AdminGetUserCommand',
      'AdminListGroupsForUserCommand',
    ]);
  });

  it("returns the pool's spelling of a username, or null for none", async () => {
    const found = fakeClient(() => ({ Username: 'Mixed.Case' }));
    expect(await cognitoPrimaryPool(found.client, UserPoolId).canonicalUsername('mixed.case')).toBe(
      'Mixed.Case',
    );
    const missing = fakeClient(() => awsError('UserNotFoundException'));
    expect(await cognitoPrimaryPool(missing.client, UserPoolId).canonicalUsername('x')).toBeNull();
  });

  it('tells a missing group from other failures', async () => {
    const missing = fakeClient(() => awsError('ResourceNotFoundException'));
    expect(await cognitoPrimaryPool(missing.client, UserPoolId).groupExists('g')).toBe(false);
    const throttled = fakeClient(() => awsError('TooManyRequestsException'));
    await expect(cognitoPrimaryPool(throttled.client, UserPoolId).groupExists('g')).rejects.toMatchObject({
      name: 'TooManyRequestsException',
    });
  });
});

describe('cognitoBackupPool', () => {
  it('asks the backup pool with AdminGetUser and reads UserNotFoundException as absent', async () => {
    const present = fakeClient(() => ({ Username: 'victim' }));
    expect(await cognitoBackupPool(present.client, 'ap-northeast-1_Backup1').hasUser('victim')).toBe(true);
    expect(present.sent[0]).toEqual({
      command: 'AdminGetUserCommand',
      input: { UserPoolId: 'ap-northeast-1_Backup1', Username: 'victim' },
    });
    const absent = fakeClient(() => awsError('UserNotFoundException'));
    expect(await cognitoBackupPool(absent.client, 'ap-northeast-1_Backup1').hasUser('victim')).toBe(false);
    const down = fakeClient(() => awsError('TimeoutError'));
    await expect(
      cognitoBackupPool(down.client, 'ap-northeast-1_Backup1').hasUser('victim'),
    ).rejects.toThrow();
  });
});

describe('dynamoRecordReader', () => {
  it('reads the record with one consistent GetItem', async () => {
    const { sent, client } = fakeClient(() => ({}));
    expect(await dynamoRecordReader(client, 'cognito-dr-users-dev').getRecord('victim')).toBeNull();
    expect(sent).toEqual([
      {
        command: 'GetCommand',
        input: { TableName: 'cognito-dr-users-dev', Key: { username: 'victim' }, ConsistentRead: true },
      },
    ]);
  });
});
