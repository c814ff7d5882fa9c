// The switch's decisions, with the pools and tables faked: what it refuses (changing nothing), what it does when run
// again, and that a failover never waits for a primary region that does not answer. The whole sequence against the
// real local stack is the drill (test/e2e/failover-drill.e2e.ts).
import {
  type CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { advanceWatermark, deletionBreaker } from '@cognito-dr/apply';
import { userRecord } from '@cognito-dr/apply/src/testing/stream-records';
import {
  initialRoles,
  notePasswordReset,
  type RegionRoles,
  readRoles,
  recordToItem,
  type UserRecord,
} from '@cognito-dr/shared';
import { FakeClock } from '@cognito-dr/shared/src/testing/fake-clock';
import { FakeControlTable } from '@cognito-dr/shared/src/testing/fake-control-table';
import { FakeStateTable } from '@cognito-dr/shared/src/testing/fake-state-table';
import { ScannableTable } from '@cognito-dr/shared/src/testing/scannable-table';
import {
  type ActiveEndpoint,
  failback,
  failover,
  type RegionHandle,
  type SwitchDeps,
  SwitchRefusedError,
} from './switch-roles';

const PRIMARY = 'us-east-1' as const;
const BACKUP = 'ap-northeast-1' as const;

/**
 * A pool as far as posture is concerned: DescribeUserPool and UpdateUserPool of its own id, the update carrying the
 * settings it described. `failUpdates` UpdateUserPool calls fail first, as Cognito fails them when it is busy.
 */
const postureOnlyPool = (userPoolId: string) => {
  const state = { AutoVerifiedAttributes: [] as string[], updates: 0, failUpdates: 0, failedUpdates: 0 };
  const cognito = {
    send: async (command: unknown) => {
      if (command instanceof DescribeUserPoolCommand) {
        expect(command.input.UserPoolId).toBe(userPoolId);
        return {
          UserPool: { Id: userPoolId, Name: 'pool', AutoVerifiedAttributes: state.AutoVerifiedAttributes },
        };
      }
      if (command instanceof UpdateUserPoolCommand) {
        expect(command.input.UserPoolId).toBe(userPoolId);
        // Only the posture moves: nothing else the pool had is reset.
        expect(command.input).not.toHaveProperty('Id');
        expect(command.input).not.toHaveProperty('Name');
        if (state.failUpdates > 0) {
          state.failUpdates -= 1;
          state.failedUpdates += 1;
          throw Object.assign(new Error('busy'), {
            name: 'TooManyRequestsException',
            $metadata: { httpStatusCode: 429 },
          });
        }
        state.AutoVerifiedAttributes = command.input.AutoVerifiedAttributes ?? [];
        state.updates += 1;
        return {};
      }
      throw new Error(`unexpected ${String((command as object).constructor.name)}`);
    },
  } as unknown as CognitoIdentityProviderClient;
  return { cognito, state };
};

const setUp = (options: { roles?: Partial<RegionRoles>; primaryAnswers?: boolean } = {}) => {
  const control = new FakeControlTable();
  if (options.roles) {
    control.item = { key: 'region-roles', ...initialRoles(PRIMARY, BACKUP), revision: 1, ...options.roles };
  }
  const clock = new FakeClock();
  const pools = {
    [PRIMARY]: postureOnlyPool(`${PRIMARY}_pool`),
    [BACKUP]: postureOnlyPool(`${BACKUP}_pool`),
  };
  const probes: string[] = [];
  const states = { [PRIMARY]: new FakeStateTable(), [BACKUP]: new FakeStateTable() };
  const tables = { [PRIMARY]: new ScannableTable(), [BACKUP]: new ScannableTable() };
  const region = (name: typeof PRIMARY | typeof BACKUP): RegionHandle => {
    const users = tables[name];
    return {
      region: name,
      pool: {
        cognito: pools[name].cognito,
        userPoolId: `${name}_pool`,
        clientId: 'c',
        issuer: 'i',
      },
      users: { table: users.client, tableName: 'users' },
      control: { table: control.client, tableName: 'control', primaryRegion: PRIMARY, backupRegion: BACKUP },
      state: { table: states[name].client, tableName: 'state' },
      probe: async () => {
        probes.push(name);
        if (name === PRIMARY && options.primaryAnswers === false) throw new Error('region down');
      },
    };
  };
  const published: ActiveEndpoint[] = [];
  const deps: SwitchDeps = {
    primary: region(PRIMARY),
    backup: region(BACKUP),
    publish: async (endpoint) => {
      published.push(endpoint);
      return ['test'];
    },
    clock,
    progress: () => {},
    settleMs: 2_500,
    marginMs: 900_000,
    replicationTimeoutMs: 60_000,
    breakerOf: (handle) =>
      deletionBreaker({ state: handle.state, pool: handle.pool, now: () => clock.now() }),
    retries: { maxAttempts: 3, baseBackoffMs: 100, maxBackoffMs: 1_000 },
  };
  const roles = () => readRoles(deps.backup.control);
  return { deps, control, pools, states, probes, published, roles, tables };
};

describe('failover', () => {
  it('opens the backup without waiting for a primary that does not answer, and says its posture is unknown', async () => {
    const t = setUp({ primaryAnswers: false });
    const report = await failover(t.deps);
    expect(report).toMatchObject({ alreadyActive: false, primaryPosture: 'unknown' });
    expect(await t.roles()).toMatchObject({
      active: BACKUP,
      state: 'steady',
      epoch: 1,
      posture: { [PRIMARY]: 'unknown', [BACKUP]: 'active' },
    });
    expect(t.pools[BACKUP]?.state.AutoVerifiedAttributes).toEqual(['email']);
    expect(t.published).toEqual([expect.objectContaining({ region: BACKUP, epoch: 1 })]);
  });

  it('run again, changes nothing but sets the primary on standby once it answers', async () => {
    const t = setUp({
      roles: { active: BACKUP, epoch: 1, posture: { [PRIMARY]: 'unknown', [BACKUP]: 'active' } },
    });
    const report = await failover(t.deps);
    expect(report).toMatchObject({ alreadyActive: true, primaryPosture: 'standby' });
    expect(await t.roles()).toMatchObject({ active: BACKUP, epoch: 1, posture: { [PRIMARY]: 'standby' } });
    expect(t.pools[PRIMARY]?.state.updates).toBe(0); // already verifying nothing
    expect(t.published).toHaveLength(1);
  });

  it('counts, by home sub, the users who enrol their TOTP app again (its secret cannot be copied)', async () => {
    const t = setUp({
      roles: { active: BACKUP, epoch: 1, posture: { [PRIMARY]: 'standby', [BACKUP]: 'active' } },
    });
    const user = (username: string, sub: string, extra: Partial<UserRecord>) =>
      userRecord({ username, sub, origin: PRIMARY, ...extra });
    const totp = { mfa: { enabled: ['SOFTWARE_TOKEN_MFA' as const] } };
    for (const record of [
      user('ada', 'sub-ada', totp),
      user('bob', 'sub-bob', { mfa: { enabled: ['SMS_MFA'], preferred: 'SMS_MFA' } }),
      user('cy', 'sub-cy', { ...totp, origin: BACKUP }),
      user('gone', 'sub-gone', { ...totp, deleted: true, deletedAt: 1, expiresAt: 1 }),
    ])
      t.tables[BACKUP].put(recordToItem(record));
    const report = await failover(t.deps);
    expect(report.totpReenrolment).toEqual(['sub-ada', 'sub-cy']);
  });

  it('finishes a failover that stopped after pausing the consumer', async () => {
    const t = setUp({ roles: { state: 'failing-over', target: BACKUP, startedAt: 1 } });
    const report = await failover(t.deps);
    expect(report.alreadyActive).toBe(false);
    expect(await t.roles()).toMatchObject({ active: BACKUP, state: 'steady', epoch: 1 });
  });

  it('refuses while a failback is under way, changing nothing', async () => {
    const t = setUp({ roles: { active: BACKUP, state: 'failing-back', target: PRIMARY, epoch: 1 } });
    const before = structuredClone(t.control.item);
    await expect(failover(t.deps)).rejects.toThrow(SwitchRefusedError);
    expect(t.control.item).toEqual(before);
    expect(t.published).toEqual([]);
  });
});

describe('failback', () => {
  it('refuses while the primary region does not answer, changing nothing', async () => {
    const t = setUp({ primaryAnswers: false, roles: { active: BACKUP, epoch: 1 } });
    const before = structuredClone(t.control.item);
    await expect(failback(t.deps)).rejects.toThrow(/primary region \(us-east-1\) does not answer/);
    expect(t.control.item).toEqual(before);
  });

  it('refuses while a failover is under way', async () => {
    const t = setUp({ roles: { state: 'failing-over', target: BACKUP } });
    await expect(failback(t.deps)).rejects.toThrow(/finish it with `cognito-dr failover`/);
  });

  it('with the primary already active, only publishes it (how a first install publishes the active pool)', async () => {
    const t = setUp();
    const report = await failback(t.deps);
    expect(report).toMatchObject({ alreadyActive: true, carriedBack: 0 });
    expect(t.published).toEqual([expect.objectContaining({ region: PRIMARY, epoch: 0 })]);
    expect(t.control.item).toBeUndefined();
  });

  it('switches back, the primary active and the backup on standby, one epoch later', async () => {
    const t = setUp({
      roles: {
        active: BACKUP,
        epoch: 1,
        switchedAt: 1,
        posture: { [PRIMARY]: 'unknown', [BACKUP]: 'active' },
      },
    });
    t.pools[BACKUP].state.AutoVerifiedAttributes = ['email'];
    const backupState = { table: t.states[BACKUP].client, tableName: 'state' };
    await notePasswordReset(backupState, 'before-the-failover', 0);
    await notePasswordReset(backupState, 'alice', 5);
    const report = await failback(t.deps);
    expect(report.alreadyActive).toBe(false);
    expect(report.passwordResets).toBe(1);
    expect(await t.roles()).toMatchObject({
      active: PRIMARY,
      state: 'steady',
      epoch: 2,
      posture: { [PRIMARY]: 'active', [BACKUP]: 'standby' },
    });
    expect(t.pools[PRIMARY]?.state.AutoVerifiedAttributes).toEqual(['email']);
    expect(t.pools[BACKUP]?.state.AutoVerifiedAttributes).toEqual([]);
    expect(t.published).toEqual([expect.objectContaining({ region: PRIMARY, epoch: 2 })]);
  });
});

describe('a step that touches a pool', () => {
  const failedOver = {
    active: BACKUP,
    epoch: 1,
    switchedAt: 1_000,
    posture: { [PRIMARY]: 'standby' as const, [BACKUP]: 'active' as const },
  };

  it('is retried with back-off and, once it goes through, is reported done', async () => {
    const t = setUp({ roles: failedOver });
    t.pools[BACKUP].state.AutoVerifiedAttributes = ['email'];
    t.pools[BACKUP].state.failUpdates = 2;
    const report = await failback(t.deps);
    expect(t.pools[BACKUP].state).toMatchObject({ failedUpdates: 2, updates: 1, AutoVerifiedAttributes: [] });
    expect(report.stepsLeft).toEqual([]);
    expect(report.steps).toContainEqual({ step: `${BACKUP} pool on standby`, outcome: 'done' });
    expect(await t.roles()).toMatchObject({ posture: { [BACKUP]: 'standby' } });
    expect((await t.roles()).behindSince).toBeUndefined();
  });

  it('failback that cannot set the backup on standby says so, and running it again finishes it', async () => {
    const t = setUp({ roles: failedOver });
    t.pools[BACKUP].state.AutoVerifiedAttributes = ['email'];
    t.pools[BACKUP].state.failUpdates = 3; // every attempt of the first run
    const first = await failback(t.deps);
    expect(first.stepsLeft).toEqual([
      `${BACKUP} pool on standby (TooManyRequestsException)`,
      `${BACKUP} pool caught up (it is not on standby yet)`,
    ]);
    // Switched back, the backup's posture unknown: its consumer applies nothing, and the roles say from when.
    const afterFirst = await t.roles();
    expect(afterFirst).toMatchObject({
      active: PRIMARY,
      epoch: 2,
      posture: { [PRIMARY]: 'active', [BACKUP]: 'unknown' },
      behindSince: { [BACKUP]: 1_000 },
    });
    expect(t.pools[BACKUP].state.AutoVerifiedAttributes).toEqual(['email']);

    const second = await failback(t.deps);
    expect(second).toMatchObject({ alreadyActive: true, stepsLeft: [] });
    expect(second.steps).toContainEqual({ step: `${BACKUP} pool on standby`, outcome: 'done' });
    expect(t.pools[BACKUP].state.AutoVerifiedAttributes).toEqual([]);
    const afterSecond = await t.roles();
    expect(afterSecond).toMatchObject({ active: PRIMARY, epoch: 2, posture: { [BACKUP]: 'standby' } });
    expect(afterSecond.behindSince).toBeUndefined();
    expect(t.published.map((endpoint) => endpoint.region)).toEqual([PRIMARY, PRIMARY]);

    // Finished: a third run changes nothing.
    const revision = afterSecond.revision;
    expect((await failback(t.deps)).stepsLeft).toEqual([]);
    expect((await t.roles()).revision).toBe(revision);
  });

  it('failover that cannot set the answering primary on standby says so, and running it again finishes it', async () => {
    const t = setUp();
    t.pools[PRIMARY].state.AutoVerifiedAttributes = ['email'];
    t.pools[PRIMARY].state.failUpdates = 3;
    const first = await failover(t.deps);
    expect(first.stepsLeft).toEqual([`${PRIMARY} pool on standby (TooManyRequestsException)`]);
    expect(await t.roles()).toMatchObject({ active: BACKUP, posture: { [PRIMARY]: 'unknown' } });

    const second = await failover(t.deps);
    expect(second).toMatchObject({ alreadyActive: true, stepsLeft: [], primaryPosture: 'standby' });
    expect(t.pools[PRIMARY].state.AutoVerifiedAttributes).toEqual([]);
  });

  it('failover with the primary gone leaves its standby step for a run once it answers', async () => {
    const t = setUp({ primaryAnswers: false });
    const report = await failover(t.deps);
    expect(report.stepsLeft).toEqual([`${PRIMARY} pool on standby (the region does not answer)`]);
  });

  it('a backup left behind is caught up from then by a failover, not from its watermark', async () => {
    const clock = new FakeClock();
    const behindSince = clock.now() - 3_600_000;
    const t = setUp({
      roles: {
        active: PRIMARY,
        epoch: 2,
        switchedAt: behindSince,
        posture: { [PRIMARY]: 'active', [BACKUP]: 'unknown' },
        behindSince: { [BACKUP]: behindSince },
      },
    });
    // The consumer skipped every record since, and its watermark moved on all the same.
    await advanceWatermark(t.deps.backup.state, clock.now() - 1_000, clock.now());
    const report = await failover(t.deps);
    expect(report.since).toBe(behindSince - t.deps.marginMs);
    expect((await t.roles()).behindSince).toBeUndefined();
  });
});
