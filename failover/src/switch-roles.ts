// `cognito-dr failover` and `cognito-dr failback`: the region switch as a short sequence of idempotent steps, each
// recorded in the region roles item before the next starts, so a command stopped anywhere (a crash, Ctrl-C, the
// other region failing too) is finished by running it again.
//
// failover: pause applying into the backup pool -> apply what it had not caught up with (from the table replica,
// which holds it even with the primary region gone; that count is the recovery point) -> open the backup pool
// (active posture, region roles say it is active, so its capture runs) -> publish its coordinates.
// failback: set the primary pool to standby posture so the backup's records can be applied into it -> wait until
// global-table replication has carried the backup's records across -> apply them (never pre-creating a user: those
// who signed up during the failover migrate in with their password) -> switch roles back -> apply what arrived
// meanwhile, in both directions -> publish the primary's coordinates.

import { type DeletionBreaker, readWatermark } from '@cognito-dr/apply';
import type { Clock } from '@cognito-dr/shared';
import {
  countPasswordResets,
  notePoolSub,
  type RegionRoles,
  type RolesTable,
  readRoles,
  type StateTable,
  totpReenrolment,
  writeRoles,
} from '@cognito-dr/shared';
import {
  type CatchUpResult,
  catchUp,
  notYetReplicated,
  type PoolHandle,
  recordsWrittenSince,
  type UsersTable,
} from './catch-up';
import { setPoolPosture } from './pool-posture';

/** A region as the switch sees it: its pool, its replicas of the two global tables and its state table. */
export interface RegionHandle {
  region: string;
  pool: PoolHandle & { clientId: string; issuer: string };
  users: UsersTable;
  control: RolesTable;
  state: StateTable;
  /** Resolves when the region answers one quick call; rejects when it does not (no long retries). */
  probe: () => Promise<unknown>;
}

/** What apps switch to. */
export interface ActiveEndpoint {
  region: string;
  userPoolId: string;
  clientId: string;
  issuer: string;
  /** Region roles' epoch: every switch increments it, so a stale publication is recognisable. */
  epoch: number;
  switchedAt?: number;
}

export interface SwitchDeps {
  primary: RegionHandle;
  backup: RegionHandle;
  /** Makes the active endpoint known where apps read it; resolves to where it went (for the report). */
  publish: (endpoint: ActiveEndpoint) => Promise<string[]>;
  clock: Clock;
  progress: (line: string) => void;
  /** How long functions may go on acting on roles they read before a change (their cache), before relying on it. */
  settleMs: number;
  /**
   * How far before a watermark (or a switch) records are looked at again: covers records written some time after
   * they were read (the reconciler), clocks of different writers, and batches still in flight.
   */
  marginMs: number;
  /** How long to wait for global-table replication to carry the backup's records to the primary. */
  replicationTimeoutMs: number;
  concurrency?: number;
  /** The deletion breaker of a region's pool, which every catch-up into that pool deletes through. */
  breakerOf: (region: RegionHandle) => DeletionBreaker;
}

/** A command that makes no sense in the current state, or cannot run now. Exit code 2; nothing was changed. */
export class SwitchRefusedError extends Error {
  override readonly name = 'SwitchRefusedError';
}

/** The command stopped part-way (users it could not converge, replication not done): run it again to finish. */
export class SwitchIncompleteError extends Error {
  override readonly name = 'SwitchIncompleteError';
}

export interface FailoverReport {
  /** The backup was already active: nothing was switched, the publication was refreshed. */
  alreadyActive: boolean;
  /** Records the backup pool had not caught up with when the primary was lost, now applied: the recovery point. */
  caughtUp?: CatchUpResult;
  /** Where the catch-up started (epoch ms), and whether it had a watermark to start from. */
  since?: number;
  fromWatermark?: boolean;
  primaryPosture: RegionRoles['posture'][string];
  endpoint: ActiveEndpoint;
  publishedTo: string[];
  roles: RegionRoles;
  /**
   * Users who sign in with a TOTP app (home subs): its secret cannot be copied, so each enrols their app again at
   * their first sign-in in the backup pool (MFA_SETUP where the pool requires MFA, otherwise when they choose).
   */
  totpReenrolment: string[];
}

export interface FailbackReport {
  alreadyActive: boolean;
  /** Users whose changes during the failover were applied to the primary pool. */
  carriedBack: number;
  /** Users who signed up during the failover: they come in with their own password on first sign-in. */
  awaitingMigration: number;
  /** Users who reset their password during the failover: their pre-failover password works again. */
  passwordResets: number;
  /** Late writes of the primary region during the failover, now applied to the backup pool. */
  backupCaughtUp: number;
  endpoint: ActiveEndpoint;
  publishedTo: string[];
  roles: RegionRoles;
}

/** The roles a switch writes name both regions' pools: bulk writers check a table's records against them. */
const naming = (deps: SwitchDeps, next: Omit<RegionRoles, 'revision' | 'updatedAt'>) => ({
  ...next,
  pools: {
    [deps.primary.region]: deps.primary.pool.userPoolId,
    [deps.backup.region]: deps.backup.pool.userPoolId,
  },
});

const reachable = async (region: RegionHandle): Promise<boolean> =>
  region.probe().then(
    () => true,
    () => false,
  );

const endpointOf = (region: RegionHandle, roles: RegionRoles): ActiveEndpoint => ({
  region: region.region,
  userPoolId: region.pool.userPoolId,
  clientId: region.pool.clientId,
  issuer: region.pool.issuer,
  epoch: roles.epoch,
  switchedAt: roles.switchedAt,
});

const failedCount = (result: CatchUpResult) => Object.values(result.failed).reduce((sum, n) => sum + n, 0);

function assertComplete(result: CatchUpResult, what: string): void {
  const failed = failedCount(result);
  if (failed > 0) {
    throw new SwitchIncompleteError(
      `${failed} users could not be ${what} (${Object.entries(result.failed)
        .map(([name, n]) => `${name} ×${n}`)
        .join(', ')}); nothing else was switched: run the command again`,
    );
  }
}

export async function failover(deps: SwitchDeps): Promise<FailoverReport> {
  const { primary, backup, clock, progress } = deps;
  let roles = await readRoles(backup.control);
  if (roles.state === 'failing-back') {
    throw new SwitchRefusedError(
      `a failback to ${roles.target} is under way; finish it with \`cognito-dr failback\` before failing over again`,
    );
  }
  const report: Partial<FailoverReport> = {
    alreadyActive: roles.active === backup.region && roles.state === 'steady',
  };

  if (!report.alreadyActive) {
    if (roles.state === 'steady') {
      roles = await writeRoles(
        backup.control,
        roles,
        naming(deps, { ...roles, state: 'failing-over', target: backup.region, startedAt: clock.now() }),
        clock.now(),
      );
      progress(`applying into the backup pool paused (${backup.region})`);
      await clock.sleep(deps.settleMs);
    } else {
      progress(`resuming the failover started ${new Date(roles.startedAt ?? 0).toISOString()}`);
    }

    const watermark = await readWatermark(backup.state);
    const since = Math.min(watermark ?? 0, roles.startedAt ?? clock.now()) - deps.marginMs;
    report.since = Math.max(0, since);
    report.fromWatermark = watermark !== undefined;
    progress(
      watermark === undefined
        ? 'no watermark of the backup consumer: comparing every record of the primary with the backup pool'
        : `applying what the backup pool had not caught up with since ${new Date(report.since).toISOString()}`,
    );
    report.caughtUp = await catchUp(backup.users, backup.pool, {
      origins: [primary.region],
      since: report.since,
      createMissing: true,
      notePoolSub: (sub, username) => notePoolSub(backup.state, sub, username),
      breaker: deps.breakerOf(backup),
      concurrency: deps.concurrency,
      now: () => clock.now(),
    });
    assertComplete(report.caughtUp, 'brought up to date in the backup pool');

    await setPoolPosture(backup.pool.cognito, backup.pool.userPoolId, 'active');
    const primaryPosture = await standbyIfReachable(primary);
    roles = await writeRoles(
      backup.control,
      roles,
      naming(deps, {
        ...roles,
        active: backup.region,
        state: 'steady',
        target: undefined,
        startedAt: undefined,
        epoch: roles.epoch + 1,
        switchedAt: clock.now(),
        posture: { [primary.region]: primaryPosture, [backup.region]: 'active' },
      }),
      clock.now(),
    );
    progress(`the backup pool is active (${backup.region})`);
  } else if (roles.posture[primary.region] === 'unknown') {
    // Failed over while the primary was gone; now that it answers, it can be made ready to take changes back.
    const primaryPosture = await standbyIfReachable(primary);
    if (primaryPosture === 'standby') {
      roles = await writeRoles(
        backup.control,
        roles,
        naming(deps, { ...roles, posture: { ...roles.posture, [primary.region]: 'standby' } }),
        clock.now(),
      );
      progress(
        `the primary pool is on standby again (${primary.region}): the backup's changes reach it from now on`,
      );
    }
  }

  const endpoint = endpointOf(backup, roles);
  const publishedTo = await deps.publish(endpoint);
  // Counted once apps have switched: the whole table is read, and nothing of the switch waits on it.
  const everyone = await recordsWrittenSince(backup.users, [primary.region, backup.region], 0);
  return {
    alreadyActive: report.alreadyActive === true,
    caughtUp: report.caughtUp,
    since: report.since,
    fromWatermark: report.fromWatermark,
    primaryPosture: roles.posture[primary.region] ?? 'unknown',
    endpoint,
    publishedTo,
    roles,
    totpReenrolment: totpReenrolment(everyone.records),
  };
}

/** Sets a region's pool to standby posture if the region answers; 'unknown' if it does not. */
async function standbyIfReachable(region: RegionHandle): Promise<'standby' | 'unknown'> {
  if (!(await reachable(region))) return 'unknown';
  try {
    await setPoolPosture(region.pool.cognito, region.pool.userPoolId, 'standby');
    return 'standby';
  } catch {
    return 'unknown';
  }
}

export async function failback(deps: SwitchDeps): Promise<FailbackReport> {
  const { primary, backup, clock, progress } = deps;
  if (!(await reachable(primary))) {
    throw new SwitchRefusedError(
      `the primary region (${primary.region}) does not answer; fail back once it does`,
    );
  }
  // The backup's replica is authoritative while the backup is active; the primary's may still be catching up.
  let roles = await readRoles(backup.control);
  if (roles.state === 'failing-over') {
    throw new SwitchRefusedError(
      `a failover to ${roles.target} is under way; finish it with \`cognito-dr failover\` before failing back`,
    );
  }
  if (roles.active === primary.region && roles.state === 'steady') {
    const endpoint = endpointOf(primary, roles);
    return {
      alreadyActive: true,
      carriedBack: 0,
      awaitingMigration: 0,
      passwordResets: 0,
      backupCaughtUp: 0,
      endpoint,
      publishedTo: await deps.publish(endpoint),
      roles,
    };
  }
  const failedOverAt = roles.switchedAt ?? 0;
  const since = Math.max(0, failedOverAt - deps.marginMs);

  if (roles.state === 'steady') {
    // Nothing may be applied into the primary while it would verify (message) a changed address.
    await setPoolPosture(primary.pool.cognito, primary.pool.userPoolId, 'standby');
    roles = await writeRoles(
      backup.control,
      roles,
      naming(deps, {
        ...roles,
        state: 'failing-back',
        target: primary.region,
        startedAt: clock.now(),
        posture: { ...roles.posture, [primary.region]: 'standby' },
      }),
      clock.now(),
    );
    progress(`failing back to ${primary.region}: the backup's changes are applied to the primary pool`);
  } else {
    progress(`resuming the failback started ${new Date(roles.startedAt ?? 0).toISOString()}`);
  }

  await waitForReplication(deps, since);
  const carried = await catchUp(primary.users, primary.pool, {
    origins: [backup.region],
    since,
    createMissing: false,
    breaker: deps.breakerOf(primary),
    concurrency: deps.concurrency,
    now: () => clock.now(),
  });
  assertComplete(carried, 'brought up to date in the primary pool');

  // Switch: the primary serves users again, the backup goes back to standby.
  const drainStartedAt = clock.now();
  await setPoolPosture(primary.pool.cognito, primary.pool.userPoolId, 'active');
  const backupPosture = await standbyIfReachable(backup);
  const switched: Omit<RegionRoles, 'revision' | 'updatedAt'> = {
    ...roles,
    active: primary.region,
    state: 'steady',
    target: undefined,
    startedAt: undefined,
    epoch: roles.epoch + 1,
    switchedAt: clock.now(),
    posture: { [primary.region]: 'active', [backup.region]: backupPosture },
  };
  roles = await writeRoles(backup.control, roles, naming(deps, switched), clock.now());
  await clock.sleep(deps.settleMs);
  progress(`the primary pool is active again (${primary.region})`);

  // Changes made in the backup pool while the switch was under way, and late writes of the primary region during
  // the failover (the backup pool never applied them while it was active).
  await waitForReplication(deps, drainStartedAt - deps.marginMs);
  const late = await catchUp(primary.users, primary.pool, {
    origins: [backup.region],
    since: drainStartedAt - deps.marginMs,
    createMissing: false,
    breaker: deps.breakerOf(primary),
    concurrency: deps.concurrency,
    now: () => clock.now(),
  });
  const backupCaughtUp = await catchUp(backup.users, backup.pool, {
    origins: [primary.region],
    since,
    createMissing: true,
    notePoolSub: (sub, username) => notePoolSub(backup.state, sub, username),
    breaker: deps.breakerOf(backup),
    concurrency: deps.concurrency,
    now: () => clock.now(),
  });
  assertComplete(late, 'brought up to date in the primary pool');
  assertComplete(backupCaughtUp, 'brought up to date in the backup pool');

  const endpoint = endpointOf(primary, roles);
  return {
    alreadyActive: false,
    carriedBack: new Set([...carried.changed, ...late.changed]).size,
    awaitingMigration: new Set([...carried.awaitingMigration, ...late.awaitingMigration]).size,
    passwordResets: await countPasswordResets(backup.state, failedOverAt),
    backupCaughtUp: backupCaughtUp.changed.length,
    endpoint,
    publishedTo: await deps.publish(endpoint),
    roles,
  };
}

/** Waits until global-table replication has carried the backup's records written since `since` to the primary. */
async function waitForReplication(deps: SwitchDeps, since: number): Promise<void> {
  const { primary, backup, clock, progress } = deps;
  const deadline = clock.now() + deps.replicationTimeoutMs;
  for (;;) {
    const pending = await notYetReplicated(backup.users, primary.users, backup.region, since);
    if (pending === 0) return;
    if (clock.now() >= deadline) {
      throw new SwitchIncompleteError(
        `${pending} records written in ${backup.region} have not reached ${primary.region} yet ` +
          '(global-table replication); run the command again in a while',
      );
    }
    progress(`waiting for ${pending} records to replicate to ${primary.region}`);
    await clock.sleep(500);
  }
}
