// A failover and a failback on a local stack of its own (no other suite may see them), with what goes on around
// them. While the backup region is active, nothing the operator's tools do may harm the pool that serves users: a
// sign-up on the active backup that is not confirmed yet has no record, and `cognito-dr repair` must not delete it;
// `cognito-dr reconcile` must not record the standby primary's older copies over what users did in the backup.
// After the failback, a user who signed up in the backup keeps their record (groups, status, origin) until their
// migration into the primary completes, whatever a stray password reset and a reconcile do meanwhile.
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  CreateGroupCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { getRecord, isErrorNamed, readMailbox } from '@cognito-dr/shared';
import { eventually } from '../support/eventually';
import { given, type TestUser } from '../support/given';
import { operator } from '../support/operator';
import { type OwnStack, startOwnStack } from '../support/own-stack';
import { connect } from '../support/stack';

let stack: OwnStack;
let clients: ReturnType<typeof connect>;
const cli = (command: string, ...extra: string[]) =>
  operator.runsFrom({ stackFile: stack.stackFile }, command, ...extra);

/** A self-service sign-up through a pool's app client. */
const signsUp = (pool: CognitoIdentityProviderClient, clientId: string, user: TestUser) =>
  pool.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: user.username,
      Password: user.password,
      UserAttributes: [{ Name: 'email', Value: user.attributes.email }],
    }),
  );

/** A user of the primary, replicated to the backup, who has a password there too (set by an administrator). */
const replicated = given.aRandomUser();
const signInOnTheBackup = () =>
  clients.backupPool.send(
    new InitiateAuthCommand({
      ClientId: stack.info.backup.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: replicated.username, PASSWORD: replicated.password },
    }),
  );
/** How a sign-in on the backup ended: tokens, or the error's name. */
const outcome = (signIn: Promise<{ AuthenticationResult?: unknown }>) =>
  signIn.then(
    (answer) => (answer.AuthenticationResult ? 'signed in' : 'challenged'),
    (error: { name?: string }) => error.name,
  );
let onStandbyBeforeTheFailover: string | undefined;

beforeAll(async () => {
  stack = await startOwnStack('failed-over', { warm: 'single' });
  clients = connect(stack.info);
  await signsUp(clients.primaryPool, stack.info.primary.clientId, replicated);
  await clients.primaryPool.send(
    new AdminConfirmSignUpCommand({
      UserPoolId: stack.info.primary.userPoolId,
      Username: replicated.username,
    }),
  );
  await eventually(
    () =>
      clients.backupPool.send(
        new AdminGetUserCommand({ UserPoolId: stack.info.backup.userPoolId, Username: replicated.username }),
      ),
    () => true,
    { within: 60_000, what: 'the user replicated to the backup pool' },
  );
  await clients.backupPool.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: stack.info.backup.userPoolId,
      Username: replicated.username,
      Password: replicated.password,
      Permanent: true,
    }),
  );
  onStandbyBeforeTheFailover = await outcome(signInOnTheBackup());
  // A game-day failover: the primary still answers, and is set on standby.
  const failover = await cli('failover');
  if (failover.code !== 0) throw new Error(`failover exited ${failover.code}: ${failover.stderr}`);
}, 360_000);

afterAll(() => stack?.stop(), 60_000);

describe('signing in on the backup pool', () => {
  it('was refused while it was on standby, a password set there notwithstanding', () => {
    expect(onStandbyBeforeTheFailover).toBe('UserLambdaValidationException');
  });

  it('works while it is the active pool', async () => {
    expect(await outcome(signInOnTheBackup())).toBe('signed in');
  }, 60_000);
});

describe('the operator tools while the backup pool is active', () => {
  it('repair refuses with exit 2, names the command to use, and an unconfirmed sign-up survives', async () => {
    const user = given.aRandomUser();
    await signsUp(clients.backupPool, stack.info.backup.clientId, user);

    const repair = await cli('repair', '--quota-share', '1');

    expect(repair.code).toBe(2);
    expect(repair.stderr).toMatch(/is the active pool .*`cognito-dr failback`/);
    const { UserStatus } = await clients.backupPool.send(
      new AdminGetUserCommand({ UserPoolId: stack.info.backup.userPoolId, Username: user.username }),
    );
    expect(UserStatus).toBe('UNCONFIRMED');
  }, 120_000);

  it('reconcile of the standby primary pool refuses with exit 2 and names the command to use', async () => {
    const reconcile = await cli('reconcile', '--quota-share', '1');

    expect(reconcile.code).toBe(2);
    expect(reconcile.stderr).toMatch(/is on standby: .* is the active region.*`cognito-dr failback`/);
  }, 120_000);
});

describe('a user who signed up in the backup during the failover, after the failback', () => {
  const user = given.aRandomUser();
  const GROUP = 'dr-admins';
  const groupsIn = async (pool: CognitoIdentityProviderClient, userPoolId: string) =>
    (
      await pool.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: user.username }))
    ).Groups?.map((group) => group.GroupName);
  const recordIn = (table: 'primaryTable' | 'backupTable') =>
    getRecord(clients[table], stack.info.primary.tableName, user.username);

  it('is recorded in the backup region with the group they were put in', async () => {
    const { backupPool } = clients;
    const { userPoolId, clientId } = stack.info.backup;
    await signsUp(backupPool, clientId, user);
    await backupPool.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: user.username }));
    // The stack's pools may have the group already (it is the admin API's group).
    await backupPool
      .send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: GROUP }))
      .catch((error: unknown) => {
        if (!isErrorNamed(error, 'GroupExistsException')) throw error;
      });
    await backupPool.send(
      new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.username, GroupName: GROUP }),
    );
    await eventually(
      () => recordIn('backupTable'),
      (record) => record?.groups.includes(GROUP) === true,
      { within: 60_000, what: 'the group membership recorded in the backup region' },
    );
  }, 90_000);

  it('keeps the record and the group in both pools through a stray password reset and a reconcile', async () => {
    const failback = await cli('failback');
    expect(failback.code).toBe(0);
    expect(failback.json.awaitingMigration).toBeGreaterThanOrEqual(1);
    const before = await recordIn('primaryTable');
    expect(before).toMatchObject({ origin: stack.info.backup.region, groups: [GROUP], status: 'CONFIRMED' });

    // Anyone may ask for a reset of any username; this one is never finished.
    const mailbox = stack.info.mailbox.primary;
    const sent = readMailbox(mailbox).length;
    await clients.primaryPool.send(
      new ForgotPasswordCommand({ ClientId: stack.info.primary.clientId, Username: user.username }),
    );
    // The reset path of the migration delivers its code, as any reset does.
    const codes = readMailbox(mailbox)
      .slice(sent)
      .filter((message) => message.username === user.username && message.code);
    expect(codes).toHaveLength(1);

    const reconcile = await cli('reconcile', '--quota-share', '1');
    expect(reconcile.code).toBe(0);

    expect(await recordIn('primaryTable')).toMatchObject({
      origin: stack.info.backup.region,
      groups: [GROUP],
      status: 'CONFIRMED',
      version: before?.version,
    });
    expect(await groupsIn(clients.backupPool, stack.info.backup.userPoolId)).toEqual([GROUP]);
  }, 180_000);

  it('has the group in the primary pool once the reset is finished, and still in the backup', async () => {
    const mailbox = stack.info.mailbox.primary;
    const code = readMailbox(mailbox)
      .filter((message) => message.username === user.username && message.code)
      .at(-1)?.code;
    const { clientId, userPoolId } = stack.info.primary;
    const password = `${user.password}-new`;
    await clients.primaryPool.send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId,
        Username: user.username,
        ConfirmationCode: code,
        Password: password,
      }),
    );
    await clients.primaryPool.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: user.username, PASSWORD: password },
      }),
    );

    expect(await groupsIn(clients.primaryPool, userPoolId)).toEqual([GROUP]);
    await eventually(
      () => recordIn('primaryTable'),
      (record) => record?.origin === stack.info.primary.region && record.groups.includes(GROUP),
      { within: 30_000, what: 'the record claimed by the primary with its group' },
    );
    expect(await groupsIn(clients.backupPool, stack.info.backup.userPoolId)).toEqual([GROUP]);
  }, 120_000);
});

describe('the backup pool after the failback', () => {
  it('is on standby again, exactly, and signs nobody in through the app client', async () => {
    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.json.posture).toMatchObject({
      [stack.info.primary.region]: { pool: 'active', agrees: true },
      [stack.info.backup.region]: { pool: 'standby', recorded: 'standby', agrees: true },
    });
    expect(await outcome(signInOnTheBackup())).toBe('UserLambdaValidationException');
  }, 120_000);
});
