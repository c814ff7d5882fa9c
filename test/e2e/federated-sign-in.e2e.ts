// Federated users on the local stack (`email` shape), driven through stack.json with the plain SDK and the
// LOCAL-ONLY federated sign-in that stands in for Cognito's hosted UI: a provider's user who never signed in
// becomes an EXTERNAL_PROVIDER user whom the PostConfirmation trigger captures, in the backup pool a user linked to
// the same provider subject is the one who signs in, and replication makes that user of every federated user.
import { randomBytes } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  AdminListGroupsForUserCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  DescribeIdentityProviderCommand,
  ListUserPoolClientsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StackInfo } from '@cognito-dr/shared';
import { federatedSignIn } from '../../local/emulators/federated-sign-in';
import { eventually } from '../support/eventually';
import { SHAPED_STACK_START_TIMEOUT_MS, stackOfShape } from '../support/shaped-stack';
import { connect } from '../support/stack';

let stack: StackInfo;
let pools: ReturnType<typeof connect>;

const FEDERATION_CLIENT = 'federation-web';

/**
 * Google as an identity provider of a pool, offered by an app client of its own (what `cognito-dr mirror` copies).
 * The stack's clients are left as they are: other files share this stack, and UpdateUserPoolClient resets every
 * setting a call leaves out. Returns the client's id.
 */
const withGoogle = async (cognito: CognitoIdentityProviderClient, side: StackInfo['primary']) => {
  try {
    await cognito.send(
      new DescribeIdentityProviderCommand({ UserPoolId: side.userPoolId, ProviderName: 'Google' }),
    );
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await cognito.send(
      new CreateIdentityProviderCommand({
        UserPoolId: side.userPoolId,
        ProviderName: 'Google',
        ProviderType: 'Google',
        ProviderDetails: {
          client_id: 'google-client',
          client_secret: 'google-secret',
          authorize_scopes: 'openid email',
        },
        AttributeMapping: { email: 'email', email_verified: 'email_verified' },
      }),
    );
  }
  const { UserPoolClients } = await cognito.send(
    new ListUserPoolClientsCommand({ UserPoolId: side.userPoolId, MaxResults: 60 }),
  );
  const existing = UserPoolClients?.find((c) => c.ClientName === FEDERATION_CLIENT)?.ClientId;
  if (existing) return existing;
  const { UserPoolClient } = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: side.userPoolId,
      ClientName: FEDERATION_CLIENT,
      SupportedIdentityProviders: ['COGNITO', 'Google'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email'],
      CallbackURLs: ['https://app.example.com/callback'],
    }),
  );
  return String(UserPoolClient?.ClientId);
};
const clients = { primary: '', backup: '' };

beforeAll(async () => {
  stack = await stackOfShape('email');
  pools = connect(stack);
  clients.primary = await withGoogle(pools.primaryPool, stack.primary);
  clients.backup = await withGoogle(pools.backupPool, stack.backup);
}, SHAPED_STACK_START_TIMEOUT_MS);

const aSubject = () => String(100_000_000 + (randomBytes(4).readUInt32BE(0) % 900_000_000));
const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, string>;

describe('a federated sign-in on the local stack', () => {
  it('makes a provider user who never signed in an EXTERNAL_PROVIDER user, captured by PostConfirmation', async () => {
    const subject = aSubject();
    const email = `fed.${subject}@example.com`;
    const signedIn = await federatedSignIn(stack.primary.cognitoEndpoint, {
      clientId: clients.primary,
      providerName: 'Google',
      subject,
      claims: { email, email_verified: 'true' },
    });
    expect(signedIn.Username).toBe(`google_${subject}`);
    const user = await pools.primaryPool.send(
      new AdminGetUserCommand({ UserPoolId: stack.primary.userPoolId, Username: signedIn.Username }),
    );
    expect(user.UserStatus).toBe('EXTERNAL_PROVIDER');
    await eventually(
      () =>
        pools.primaryTable.send(
          new GetCommand({ TableName: stack.primary.tableName, Key: { username: signedIn.Username } }),
        ),
      (found) => found.Item !== undefined,
      { within: 10_000, what: `${signedIn.Username} captured in the users table` },
    );
  });

  it('signs a subject linked in the backup pool in as the linked user, with their sub and attributes', async () => {
    const subject = aSubject();
    const email = `linked.${subject}@example.com`;
    const { User } = await pools.backupPool.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.backup.userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'custom:source_sub', Value: `home-${subject}` }],
      }),
    );
    await pools.backupPool.send(
      new AdminLinkProviderForUserCommand({
        UserPoolId: stack.backup.userPoolId,
        DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: String(User?.Username) },
        SourceUser: {
          ProviderName: 'Google',
          ProviderAttributeName: 'Cognito_Subject',
          ProviderAttributeValue: subject,
        },
      }),
    );
    const signedIn = await federatedSignIn(stack.backup.cognitoEndpoint, {
      clientId: clients.backup,
      providerName: 'Google',
      subject,
      claims: { email, email_verified: 'true' },
    });
    expect(signedIn.Username).toBe(User?.Username);
    expect(claims(signedIn.AuthenticationResult.IdToken)['custom:source_sub']).toBe(`home-${subject}`);
  });

  it('lands a provider user who signed in on the primary only in their replicated user when they sign in on the backup', async () => {
    const subject = aSubject();
    const email = `roaming.${subject}@example.com`;
    const group = `federated-${subject}`;
    await pools.primaryPool.send(
      new CreateGroupCommand({ UserPoolId: stack.primary.userPoolId, GroupName: group }),
    );
    const home = await federatedSignIn(stack.primary.cognitoEndpoint, {
      clientId: clients.primary,
      providerName: 'Google',
      subject,
      claims: { email, email_verified: 'true' },
    });
    await pools.primaryPool.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: stack.primary.userPoolId,
        Username: home.Username,
        GroupName: group,
      }),
    );
    const homeSub = claims(home.AuthenticationResult.IdToken).sub;

    // The backup pool names its users by email: the copy is a native user found by it, linked to the provider user.
    const copy = await eventually(
      async () => {
        const user = await pools.backupPool
          .send(new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: email }))
          .catch(() => undefined);
        const groups = user
          ? await pools.backupPool.send(
              new AdminListGroupsForUserCommand({ UserPoolId: stack.backup.userPoolId, Username: email }),
            )
          : undefined;
        return { user, groups: (groups?.Groups ?? []).map((g) => g.GroupName) };
      },
      ({ user, groups }) =>
        String(user?.UserAttributes?.find((a) => a.Name === 'identities')?.Value).includes(subject) &&
        groups.includes(group),
      { within: 30_000, what: 'the federated user linked and in their group in the backup pool' },
    );

    const onBackup = await federatedSignIn(stack.backup.cognitoEndpoint, {
      clientId: clients.backup,
      providerName: 'Google',
      subject,
      claims: { email, email_verified: 'true' },
    });
    expect(onBackup.Username).toBe(copy.user?.Username);
    const id = claims(onBackup.AuthenticationResult.IdToken);
    expect(id['custom:source_sub']).toBe(homeSub);
    expect(id['cognito:groups']).toEqual(expect.arrayContaining([group]));
    expect(id.email).toBe(email);
  }, 120_000);
});
