// Difference 16 of the fidelity layer as `cognito-dr mirror` uses it: a production-like pool built through the
// emulator's API and a backup pool as the replica stack creates it, mirrored by the command line over HTTP. The run
// succeeds and a second finds nothing left to change, so every setting mirror writes reads back as it was written.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateIdentityProviderCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  ListUserPoolClientsCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GOOGLE_SECRET,
  OIDC_SECRET,
  primarySeed,
  WEB_SECRET,
} from '@cognito-dr/mirror/src/testing/production-pool';
import { main } from '../../../cli/cognito-dr';
import { EXIT } from '../../../cli/commands';
import { CognitoLocalChild } from '../testing/cognito-local-child';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(120_000);

let child: CognitoLocalChild;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  child = new CognitoLocalChild();
  await child.start();
  cognito = child.client();
});
afterAll(() => child.dispose());

/** The custom attributes of the seed as CreateUserPool takes them (names without the `custom:` prefix). */
const customSchema = () =>
  primarySeed.pool.SchemaAttributes.filter((a) => a.Name?.startsWith('custom:')).map((a) => ({
    ...a,
    Name: a.Name?.slice('custom:'.length),
  }));

/** The mirror tests' production pool, made through the API as its owner would have made it. */
async function productionPool(): Promise<string> {
  const { pool, mfa } = primarySeed;
  const { UserPool } = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: pool.Name,
      UsernameAttributes: pool.UsernameAttributes,
      UsernameConfiguration: pool.UsernameConfiguration,
      Schema: [
        { Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true },
        ...customSchema(),
      ],
      AutoVerifiedAttributes: pool.AutoVerifiedAttributes,
      Policies: pool.Policies,
      MfaConfiguration: pool.MfaConfiguration,
      SmsConfiguration: pool.SmsConfiguration,
      SmsAuthenticationMessage: pool.SmsAuthenticationMessage,
      VerificationMessageTemplate: pool.VerificationMessageTemplate,
      AdminCreateUserConfig: pool.AdminCreateUserConfig,
      AccountRecoverySetting: pool.AccountRecoverySetting,
      DeviceConfiguration: pool.DeviceConfiguration,
      EmailConfiguration: pool.EmailConfiguration,
    }),
  );
  const UserPoolId = String(UserPool?.Id);
  await cognito.send(new SetUserPoolMfaConfigCommand({ UserPoolId, ...mfa }));
  for (const server of primarySeed.resourceServers)
    await cognito.send(new CreateResourceServerCommand({ UserPoolId, ...server }));
  for (const provider of primarySeed.providers)
    await cognito.send(
      new CreateIdentityProviderCommand({
        UserPoolId,
        ProviderName: String(provider.ProviderName),
        ProviderType: provider.ProviderType,
        ProviderDetails: provider.ProviderDetails,
        AttributeMapping: provider.AttributeMapping,
        IdpIdentifiers: provider.IdpIdentifiers,
      }),
    );
  for (const { ClientSecret, ...client } of primarySeed.clients)
    await cognito.send(
      new CreateUserPoolClientCommand({ UserPoolId, ...client, GenerateSecret: ClientSecret !== undefined }),
    );
  for (const group of primarySeed.groups)
    await cognito.send(new CreateGroupCommand({ UserPoolId, ...group }));
  await cognito.send(new CreateUserPoolDomainCommand({ UserPoolId, Domain: String(pool.Domain) }));
  return UserPoolId;
}

/** The backup pool as the replica stack creates it: the sign-in shape, the link to the home sub, its own client. */
async function backupPool(): Promise<string> {
  const { UserPool } = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: 'cognito-dr-prod-backup',
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      Schema: [
        { Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true },
        {
          Name: 'source_sub',
          AttributeDataType: 'String',
          Mutable: true,
          StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
        },
      ],
      DeletionProtection: 'ACTIVE',
    }),
  );
  const UserPoolId = String(UserPool?.Id);
  await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId,
      ClientName: 'cognito-dr-replicator',
      GenerateSecret: true,
      WriteAttributes: ['email', 'custom:source_sub'],
    }),
  );
  await cognito.send(
    new CreateGroupCommand({
      UserPoolId,
      GroupName: 'dr-admins',
      Description: 'May call the cognito-dr admin API.',
    }),
  );
  return UserPoolId;
}

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

const clientsByName = async (UserPoolId: string) => {
  const { UserPoolClients } = await cognito.send(
    new ListUserPoolClientsCommand({ UserPoolId, MaxResults: 60 }),
  );
  const described = await Promise.all(
    (UserPoolClients ?? []).map(
      async ({ ClientId }) =>
        (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId }))).UserPoolClient,
    ),
  );
  return Object.fromEntries(described.map((c) => [c?.ClientName, c]));
};

it('mirrors a production pool into a new backup pool, and a second run finds nothing to change', async () => {
  const primary = await productionPool();
  const backup = await backupPool();
  const dir = mkdtempSync(join(tmpdir(), 'emulator-mirror-'));
  const side = (region: string, userPoolId: string) => ({
    region,
    cognitoEndpoint: `http://127.0.0.1:${child.port}`,
    userPoolId,
    dynamodbEndpoint: `http://127.0.0.1:${child.port}`,
    tableName: 'users',
  });
  const stack = join(dir, 'stack.json');
  writeFileSync(
    stack,
    JSON.stringify({
      primary: side('us-east-1', primary),
      backup: side('ap-northeast-1', backup),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const secrets = join(dir, 'idp-secrets.json');
  writeFileSync(
    secrets,
    JSON.stringify({ Google: { client_secret: GOOGLE_SECRET }, Corporate: { client_secret: OIDC_SECRET } }),
  );
  const args = ['mirror', '--stack', stack, '--idp-secrets', secrets, '--backup-domain', 'example-login-dr'];

  const made = await run(args);
  expect(made.stderr).toBe('');
  expect(made.code).toBe(EXIT.ok);
  const again = await run([...args, '--dry-run']);
  expect(again.stderr).toBe('');
  expect(again.stdout).toContain('the backup pool is configured as the primary');
  expect(again.code).toBe(EXIT.ok);
  for (const output of [made, again])
    for (const secret of [GOOGLE_SECRET, OIDC_SECRET, WEB_SECRET])
      expect(output.stdout + output.stderr).not.toContain(secret);

  // What the backup holds now, read straight from the emulator.
  const pool = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: backup }))).UserPool;
  expect(pool).toMatchObject({
    Policies: { PasswordPolicy: primarySeed.pool.Policies.PasswordPolicy },
    AccountRecoverySetting: primarySeed.pool.AccountRecoverySetting,
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    DeletionProtection: 'ACTIVE',
  });
  expect(pool?.SchemaAttributes?.map((a) => a.Name)).toEqual(
    expect.arrayContaining(['custom:plan', 'custom:seats', 'custom:beta', 'custom:source_sub']),
  );
  expect(await cognito.send(new GetUserPoolMfaConfigCommand({ UserPoolId: backup }))).toMatchObject({
    MfaConfiguration: 'OPTIONAL',
    SoftwareTokenMfaConfiguration: { Enabled: true },
    SmsMfaConfiguration: expect.any(Object),
  });
  const clients = await clientsByName(backup);
  expect(clients.web).toMatchObject({
    AllowedOAuthFlowsUserPoolClient: true,
    SupportedIdentityProviders: expect.arrayContaining(['Google', 'Corporate']),
    AllowedOAuthScopes: expect.arrayContaining(['api.example.com/orders.read']),
  });
  // The backup's own replicator client keeps its link and learns every custom attribute mirror added.
  expect(clients['cognito-dr-replicator']?.WriteAttributes?.sort()).toEqual(
    ['email', 'custom:source_sub', 'custom:plan', 'custom:seats', 'custom:beta'].sort(),
  );
});
