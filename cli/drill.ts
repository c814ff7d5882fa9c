// `cognito-dr drill --stack .local/stack.json` (npm run drill): a whole disaster on the local stack, measured.
// Traffic on the primary -> the primary region goes down -> failover -> users sign up, sign in, reset passwords and
// are edited, disabled, deleted and regrouped on the backup -> the primary comes back -> failback -> every change is
// checked in both pools. It prints the recovery point (users lost at failover), the recovery time (outage to the
// first sign-up and sign-in on the backup), what was carried back, what users must do, and the drift both ways.
// Only the drill's own users (one run prefix) are judged, so it can run on a stack that is in use.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  CreateGroupCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { RegionHandle } from '@cognito-dr/failover';
import { failback, failover } from '@cognito-dr/failover';
import {
  backupDrift,
  driftCount,
  readAllRecords,
  readBackupInventory,
  readPrimaryInventory,
} from '@cognito-dr/reconcile';
import type { StackInfo } from '@cognito-dr/shared';
import { cognitoClient, errorName, isErrorNamed, readMailbox, type UserRecord } from '@cognito-dr/shared';
import { EXIT } from './commands';
import { type Regions, resolveRegions } from './regions';
import { type SwitchContext, switchDeps } from './switch-commands';
import { TargetError } from './targets';

/** The drill's targets (issue: 0 lost both ways, recovery under a minute locally, no drift). */
export const DRILL_TARGETS = { maxLost: 0, maxRtoSeconds: 60, maxDrift: 0 };

export interface DrillReport {
  users: { beforeOutage: number; burstJustBeforeOutage: number; duringFailover: number };
  /**
   * Users confirmed in the primary before the outage, whose records had reached the backup region's table, that the
   * backup pool does not have after the failover.
   */
  lostAtFailover: number;
  /**
   * Users confirmed in the primary whose records were still in global-table replication when the region went dark:
   * not in the backup pool during the outage, back in both pools after the failback.
   */
  inFlightAtOutage: number;
  /** Records the backup pool was behind on when the primary went down, applied by the failover. */
  caughtUpAtFailover: number;
  /** Seconds from the outage to the first sign-up, and to the first sign-in, that succeeded on the backup. */
  rtoSeconds: { signUp: number; signIn: number };
  failoverSeconds: number;
  /** Changes made on the backup during the failover that the primary pool shows after the failback. */
  changesCarriedBack: number;
  /**
   * Users whose state in the backup pool at the failback (attributes, enabled, groups, present or deleted) the primary
   * pool does not show after it, compared user by user.
   */
  lostAtFailback: number;
  passwordResets: number;
  /** Users who must reset their password again after the failback. */
  mustResetAgain: number;
  awaitingMigrationAtFailback: number;
  /** Drift of the drill's users, each pool against its region's replica of the table. */
  drift: { backup: number; primary: number };
  failbackSeconds: number;
  checks: { check: string; passed: boolean }[];
  passed: boolean;
}

const PASSWORD = (seed: string) => `Drill-${seed}-7aA!`;

export async function runDrill(ctx: SwitchContext): Promise<number> {
  const file = ctx.options.target.stack;
  if (!file) throw new TargetError('the drill runs on the local stack only: --stack .local/stack.json');
  const report = await drill(ctx, file);
  if (ctx.options.json) ctx.out(JSON.stringify(report));
  else printReport(ctx, report);
  return report.passed ? EXIT.ok : EXIT.drift;
}

export async function drill(ctx: SwitchContext, file: string): Promise<DrillReport> {
  const stack = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
  const regions = await resolveRegions({ stack: file });
  const deps = switchDeps(regions, ctx);
  const say = (line: string) => ctx.err(`drill: ${line}`);
  const clock = ctx.clock;
  const run = randomBytes(3).toString('hex');
  const mine = (username: string) => username.startsWith(`drill-${run}-`);
  const name = (kind: string, index: number) => `drill-${run}-${kind}-${index}`;
  const client = (side: 'primary' | 'backup') =>
    cognitoClient({
      region: stack[side].region,
      endpoint: stack[side].cognitoEndpoint,
      credentials: stack.credentials,
      maxAttempts: 2,
    });
  const pools = { primary: client('primary'), backup: client('backup') };
  const checks: DrillReport['checks'] = [];
  const check = (what: string, passed: boolean) => {
    checks.push({ check: what, passed });
    if (!passed) say(`FAILED: ${what}`);
  };

  // 1. Normal times: users sign up on the primary and reach the backup; some are in a group.
  const steady = Array.from({ length: 12 }, (_, i) => name('steady', i));
  await ensureGroup(pools.primary, stack.primary.userPoolId, 'staff');
  for (const username of steady)
    await signUpAndConfirm(pools.primary, stack.primary, username, { tier: 'silver' });
  for (const username of steady.slice(0, 4)) {
    await pools.primary.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: stack.primary.userPoolId,
        Username: username,
        GroupName: 'staff',
      }),
    );
  }
  await waitUntil(clock, 60_000, async () => (await backupHas(regions, steady)).missing.length === 0);
  say(`${steady.length} users signed up on the primary and reached the backup pool`);

  // 2. A burst right before the outage: some of it is not in the backup pool yet when the region goes.
  const burst = Array.from({ length: 6 }, (_, i) => name('burst', i));
  await Promise.all(
    burst.map((username) => signUpAndConfirm(pools.primary, stack.primary, username, { tier: 'gold' })),
  );

  // 3. The primary region goes down.
  await setAvailable(stack.control.primary, false);
  const outageAt = clock.now();
  say('primary region unreachable');

  // 4. Failover.
  const over = await failover(deps);
  const failoverSeconds = (clock.now() - outageAt) / 1000;
  const confirmedBeforeOutage = [...steady, ...burst];
  // A user missing from the backup pool is lost by the failover only if their record had reached the backup region's
  // table: one still in global-table replication when the region went dark (its own window, about a second) is the
  // recovery point, and must be back in both pools after the failback.
  const missingAfterFailover = (await backupHas(regions, confirmedBeforeOutage)).missing;
  const inBackupTable = (await readAllRecords(regions.backup.users.table, regions.backup.users.tableName))
    .records;
  const lostAtFailover = missingAfterFailover.filter((username) => inBackupTable.has(username)).length;
  const inFlightAtOutage = missingAfterFailover.filter((username) => !inBackupTable.has(username));
  say(
    `failover done in ${failoverSeconds.toFixed(1)} s; ${over.caughtUp?.changed.length ?? 0} users caught up`,
  );

  // 5. Traffic on the backup: a sign-up and a sign-in (the recovery time), a password reset, edits.
  const newcomer = name('newcomer', 0);
  await signUpAndConfirm(pools.backup, stack.backup, newcomer, { tier: 'bronze' });
  const signUpAt = clock.now();
  await signIn(pools.backup, stack.backup.clientId, newcomer, PASSWORD(newcomer));
  const signInAt = clock.now();
  const [resetter, edited, disabled, deleted, regrouped] = steady as [string, string, string, string, string];
  const newPassword = `${PASSWORD(resetter)}-new`;
  await resetPassword(pools.backup, stack, resetter, newPassword);
  await signIn(pools.backup, stack.backup.clientId, resetter, newPassword);
  const backupPoolId = stack.backup.userPoolId;
  await pools.backup.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: backupPoolId,
      Username: edited,
      UserAttributes: [{ Name: 'name', Value: 'Edited During Failover' }],
    }),
  );
  await pools.backup.send(new AdminDisableUserCommand({ UserPoolId: backupPoolId, Username: disabled }));
  await pools.backup.send(new AdminDeleteUserCommand({ UserPoolId: backupPoolId, Username: deleted }));
  await pools.backup.send(
    new AdminAddUserToGroupCommand({ UserPoolId: backupPoolId, Username: regrouped, GroupName: 'staff' }),
  );
  say(
    'traffic on the backup: a sign-up, a sign-in, a password reset, an edit, a disable, a deletion, a group',
  );
  // The out-of-band capture is asynchronous: wait until the backup's own table has every change recorded.
  let notRecorded: string[] = [];
  const recorded = async () => {
    const { records } = await readAllRecords(regions.backup.users.table, regions.backup.users.tableName);
    const of = (username: string) => records.get(username);
    const expected: [string, boolean][] = [
      ['sign-up', of(newcomer)?.origin === stack.backup.region],
      ['edit', of(edited)?.attributes.name === 'Edited During Failover'],
      ['disable', of(disabled)?.enabled === false],
      ['deletion', of(deleted)?.deleted === true],
      ['group', (of(regrouped)?.groups ?? []).includes('staff')],
    ];
    notRecorded = expected.filter(([, done]) => !done).map(([change]) => change);
    return notRecorded.length === 0;
  };
  const allRecorded = await waitUntil(clock, 60_000, recorded);
  check('every change made on the backup became a record there', allRecorded);
  if (!allRecorded) say(`not recorded: ${notRecorded.join(', ')}`);
  // What failback must carry back: the drill's users as the backup pool has them now.
  const atFailback = only(
    (
      await readPrimaryInventory(regions.backup.pool.cognito, backupPoolId, {
        origin: stack.backup.region,
        now: 0,
      })
    ).users,
    mine,
  );

  // 6. The primary comes back; 7. failback.
  await setAvailable(stack.control.primary, true);
  const recoveredAt = clock.now();
  say('primary region answers again');
  const back = await failback(deps);
  const failbackSeconds = (clock.now() - recoveredAt) / 1000;
  say(`failback done in ${failbackSeconds.toFixed(1)} s; ${back.carriedBack} users carried back`);

  // 8. What users see on the primary again.
  const primaryPoolId = stack.primary.userPoolId;
  const primaryUsers = await readBackupInventory(regions.primary.pool.cognito, primaryPoolId);
  const state = (username: string) => primaryUsers.get(username);
  const outcomes = [
    state(edited)?.attributes.name === 'Edited During Failover',
    state(disabled)?.enabled === false,
    !primaryUsers.has(deleted),
    (state(regrouped)?.groups ?? []).includes('staff'),
  ];
  const changesCarriedBack = outcomes.filter(Boolean).length;
  check(
    'the edit, the disable, the deletion and the group change reached the primary pool',
    changesCarriedBack === 4,
  );
  check(
    'the disabled user cannot sign in on the primary',
    await refused(signIn(pools.primary, stack.primary.clientId, disabled, PASSWORD(disabled))),
  );
  // The user who signed up during the failover comes in with their own password (UserMigration), groups and all.
  await signIn(pools.primary, stack.primary.clientId, newcomer, PASSWORD(newcomer));
  check(
    'a user who signed up during the failover signs in on the primary with their own password',
    (await readBackupInventory(regions.primary.pool.cognito, primaryPoolId)).has(newcomer),
  );
  // The user who reset their password during the failover uses the one from before it; nobody resets again.
  const mustResetAgain = (await refused(
    signIn(pools.primary, stack.primary.clientId, resetter, PASSWORD(resetter)),
  ))
    ? 1
    : 0;
  check(
    'a user who reset their password during the failover signs in with the one from before it',
    mustResetAgain === 0,
  );
  check(
    'users whose records were still in replication at the outage are in the primary pool again',
    (await primaryHas(regions, inFlightAtOutage)).missing.length === 0,
  );

  // Measured user by user: each user the backup pool had at failback is there in the primary as it was (attributes,
  // enabled, groups), and nobody the backup pool no longer had is left in the primary, but for the users still in
  // replication at the outage (they never reached the backup pool, and are judged above).
  const carried = backupDrift(
    only(await readBackupInventory(regions.primary.pool.cognito, primaryPoolId), mine),
    atFailback,
  );
  const lostAtFailback =
    carried.missing.length +
    carried.stale.length +
    carried.extra.filter((username) => !inFlightAtOutage.includes(username)).length;

  // 9. Drift both ways, of the drill's users.
  const driftOf = async (side: 'primary' | 'backup') => {
    const region = regions[side];
    const pool = await readBackupInventory(region.pool.cognito, region.pool.userPoolId);
    const { records } = await readAllRecords(region.users.table, region.users.tableName);
    return driftCount(backupDrift(only(pool, mine), only(records, mine) as Map<string, UserRecord>));
  };
  await waitUntil(
    clock,
    30_000,
    async () => (await driftOf('primary')) === 0 && (await driftOf('backup')) === 0,
  );
  const drift = { primary: await driftOf('primary'), backup: await driftOf('backup') };

  const report: DrillReport = {
    users: { beforeOutage: steady.length, burstJustBeforeOutage: burst.length, duringFailover: 1 },
    lostAtFailover,
    inFlightAtOutage: inFlightAtOutage.length,
    caughtUpAtFailover: over.caughtUp?.changed.length ?? 0,
    rtoSeconds: { signUp: (signUpAt - outageAt) / 1000, signIn: (signInAt - outageAt) / 1000 },
    failoverSeconds,
    changesCarriedBack,
    lostAtFailback,
    passwordResets: back.passwordResets,
    mustResetAgain,
    awaitingMigrationAtFailback: back.awaitingMigration,
    drift,
    failbackSeconds,
    checks,
    passed: false,
  };
  report.passed =
    checks.every((c) => c.passed) &&
    report.lostAtFailover <= DRILL_TARGETS.maxLost &&
    report.lostAtFailback <= DRILL_TARGETS.maxLost &&
    report.rtoSeconds.signIn < DRILL_TARGETS.maxRtoSeconds &&
    drift.primary + drift.backup <= DRILL_TARGETS.maxDrift;
  return report;
}

function only<T>(map: ReadonlyMap<string, T>, keep: (key: string) => boolean): Map<string, T> {
  return new Map([...map].filter(([key]) => keep(key)));
}

async function setAvailable(url: string, available: boolean): Promise<void> {
  const response = await fetch(url, { method: 'PUT', body: JSON.stringify({ available }) });
  if (!response.ok) throw new Error(`region control ${url} refused available=${available}`);
}

async function waitUntil(clock: SwitchContext['clock'], timeoutMs: number, ready: () => Promise<boolean>) {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return true;
    if (clock.now() >= deadline) return false;
    await clock.sleep(250);
  }
}

async function poolHas(region: RegionHandle, usernames: string[]) {
  const pool = await readBackupInventory(region.pool.cognito, region.pool.userPoolId);
  return { missing: usernames.filter((username) => !pool.has(username)) };
}
const backupHas = (regions: Regions, usernames: string[]) => poolHas(regions.backup, usernames);
const primaryHas = (regions: Regions, usernames: string[]) => poolHas(regions.primary, usernames);

async function ensureGroup(cognito: CognitoIdentityProviderClient, userPoolId: string, group: string) {
  const { Groups } = await cognito.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60 }));
  if (!Groups?.some((g) => g.GroupName === group)) {
    await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
  }
}

async function signUpAndConfirm(
  cognito: CognitoIdentityProviderClient,
  side: StackInfo['primary'],
  username: string,
  custom: { tier: string },
) {
  await cognito.send(
    new SignUpCommand({
      ClientId: side.clientId,
      Username: username,
      Password: PASSWORD(username),
      UserAttributes: [
        { Name: 'email', Value: `${username}@example.com` },
        { Name: 'custom:tier', Value: custom.tier },
      ],
    }),
  );
  await cognito.send(new AdminConfirmSignUpCommand({ UserPoolId: side.userPoolId, Username: username }));
}

async function signIn(
  cognito: CognitoIdentityProviderClient,
  clientId: string,
  username: string,
  password: string,
) {
  const { AuthenticationResult } = await cognito.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  if (!AuthenticationResult?.AccessToken) throw new Error('sign-in returned no tokens');
}

/** Whether a sign-in was refused (NotAuthorized), as opposed to succeeding or failing for another reason. */
async function refused(attempt: Promise<unknown>): Promise<boolean> {
  try {
    await attempt;
    return false;
  } catch (error) {
    if (isErrorNamed(error, 'NotAuthorizedException', 'UserNotFoundException')) return true;
    throw new Error(`sign-in failed unexpectedly: ${errorName(error)}`);
  }
}

/** "Forgot password" as a user does it: the code is read from the backup region's outbox. */
async function resetPassword(
  cognito: CognitoIdentityProviderClient,
  stack: StackInfo,
  username: string,
  password: string,
) {
  const before = readMailbox(stack.mailbox.backup).length;
  await cognito.send(new ForgotPasswordCommand({ ClientId: stack.backup.clientId, Username: username }));
  const code = readMailbox(stack.mailbox.backup)
    .slice(before)
    .find((message) => message.username === username)?.code;
  if (!code) throw new Error('the backup region sent no reset code');
  await cognito.send(
    new ConfirmForgotPasswordCommand({
      ClientId: stack.backup.clientId,
      Username: username,
      ConfirmationCode: code,
      Password: password,
    }),
  );
}

function printReport(ctx: SwitchContext, report: DrillReport): void {
  const row = (label: string, value: string | number, target?: string) =>
    ctx.out(`  ${label.padEnd(46)} ${String(value).padEnd(8)}${target ? ` (target ${target})` : ''}`);
  ctx.out(`drill ${report.passed ? 'PASSED' : 'FAILED'}`);
  row('users lost at failover (RPO)', report.lostAtFailover, '0');
  row('users still in table replication at the outage', report.inFlightAtOutage);
  row('records the backup was behind on, caught up', report.caughtUpAtFailover);
  row('outage -> first sign-up on the backup (RTO), s', report.rtoSeconds.signUp.toFixed(1));
  row('outage -> first sign-in on the backup (RTO), s', report.rtoSeconds.signIn.toFixed(1), '< 60');
  row('changes carried back to the primary', `${report.changesCarriedBack}/4`);
  row('changes lost at failback', report.lostAtFailback, '0');
  row('password resets during the failover', report.passwordResets);
  row('users who must reset their password again', report.mustResetAgain);
  row('users awaiting migration at failback', report.awaitingMigrationAtFailback);
  row('drift, primary pool vs table', report.drift.primary, '0');
  row('drift, backup pool vs table', report.drift.backup, '0');
  row('failover took, s', report.failoverSeconds.toFixed(1));
  row('failback took, s', report.failbackSeconds.toFixed(1));
  for (const { check, passed } of report.checks) ctx.out(`  ${passed ? 'ok  ' : 'FAIL'} ${check}`);
}
