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
  CallGovernor,
  countPasswordResets,
  errorName,
  governClient,
  notePoolSub,
  quotaCeilings,
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
  /** Attempts per call of a step that touches a pool or the roles, and the back-off between them. */
  retries?: StepRetries;
}

export interface StepRetries {
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
}

/** A pool setting or a roles write gets a few tries over some seconds: enough for throttling or a blip. */
export const STEP_RETRIES: StepRetries = { maxAttempts: 4, baseBackoffMs: 500, maxBackoffMs: 4_000 };

/** One step of a switch and how it ended: `left` steps are what running the command again finishes. */
export interface SwitchStep {
  step: string;
  outcome: 'done' | 'unchanged' | 'left';
  /** Why a step is left: the error's name, or that the region does not answer. */
  reason?: string;
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
  steps: SwitchStep[];
  /** Steps not done: the command exits 3 until running it again has finished them. */
  stepsLeft: string[];
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
  steps: SwitchStep[];
  stepsLeft: string[];
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

/**
 * The steps of one run of a switch. Each call a step makes to a pool or to the roles goes through the pacing
 * module's governor, which retries throttles and transient faults with back-off; every step is reported as it ends.
 */
class Steps {
  readonly log: SwitchStep[] = [];
  private readonly governor: CallGovernor;
  private readonly deps: SwitchDeps;

  constructor(deps: SwitchDeps) {
    this.deps = deps;
    // A switch makes a handful of calls: each may use a whole category's quota, the retries are what matter.
    this.governor = new CallGovernor({
      clock: deps.clock,
      ceilings: quotaCeilings(),
      ...(deps.retries ?? STEP_RETRIES),
    });
  }

  /** Sets a region's pool posture; throws, the step recorded as left, when it still fails after the retries. */
  async posture(region: RegionHandle, posture: 'active' | 'standby'): Promise<void> {
    const step = `${region.region} pool ${posture === 'active' ? 'active' : 'on standby'}`;
    try {
      const outcome = await setPoolPosture(
        governClient(region.pool.cognito, this.governor),
        region.pool.userPoolId,
        posture,
      );
      this.record({ step, outcome: outcome === 'changed' ? 'done' : 'unchanged' });
    } catch (error) {
      this.record({ step, outcome: 'left', reason: errorName(error) ?? 'Error' });
      throw error;
    }
  }

  /** Writes the roles (conditional on their revision, so a retry after a lost answer fails safe as a conflict). */
  async roles(
    step: string,
    current: RegionRoles,
    next: Omit<RegionRoles, 'revision' | 'updatedAt'>,
  ): Promise<RegionRoles> {
    const { backup, clock } = this.deps;
    try {
      const written = await this.governor.run('PutItem', () =>
        // The item holds whole milliseconds; a clock that slept a jittered back-off may not read whole.
        writeRoles(backup.control, current, naming(this.deps, next), Math.floor(clock.now())),
      );
      this.record({ step: `roles: ${step}`, outcome: 'done' });
      return written;
    } catch (error) {
      this.record({ step: `roles: ${step}`, outcome: 'left', reason: errorName(error) ?? 'Error' });
      throw error;
    }
  }

  left(step: string, reason: string): void {
    this.record({ step, outcome: 'left', reason });
  }

  get stepsLeft(): string[] {
    return this.log.filter((s) => s.outcome === 'left').map((s) => `${s.step} (${s.reason})`);
  }

  private record(step: SwitchStep): void {
    this.log.push(step);
    this.deps.progress(
      `step ${step.step}: ${step.outcome === 'left' ? `not done (${step.reason})` : step.outcome}`,
    );
  }
}

/** Sets a region's pool to standby posture if the region answers; 'unknown' (the step left) if not. */
async function standbyIfReachable(region: RegionHandle, steps: Steps): Promise<'standby' | 'unknown'> {
  if (!(await reachable(region))) {
    steps.left(`${region.region} pool on standby`, 'the region does not answer');
    return 'unknown';
  }
  try {
    await steps.posture(region, 'standby');
    return 'standby';
  } catch {
    return 'unknown';
  }
}

/** `behindSince` without `region`'s entry, or nothing when no entry is left. */
function caughtUpWith(behind: RegionRoles['behindSince'], region: string): RegionRoles['behindSince'] {
  const rest = Object.fromEntries(Object.entries(behind ?? {}).filter(([name]) => name !== region));
  return Object.keys(rest).length > 0 ? rest : undefined;
}

export async function failover(deps: SwitchDeps): Promise<FailoverReport> {
  const { primary, backup, clock, progress } = deps;
  const steps = new Steps(deps);
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
      roles = await steps.roles('failing-over', roles, {
        ...roles,
        state: 'failing-over',
        target: backup.region,
        startedAt: clock.now(),
      });
      progress(`applying into the backup pool paused (${backup.region})`);
      await clock.sleep(deps.settleMs);
    } else {
      progress(`resuming the failover started ${new Date(roles.startedAt ?? 0).toISOString()}`);
    }

    const watermark = await readWatermark(backup.state);
    // A backup pool a failback left behind had its records skipped while its watermark moved on.
    const since =
      Math.min(
        watermark ?? 0,
        roles.startedAt ?? clock.now(),
        roles.behindSince?.[backup.region] ?? Number.POSITIVE_INFINITY,
      ) - deps.marginMs;
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

    await steps.posture(backup, 'active');
    const primaryPosture = await standbyIfReachable(primary, steps);
    roles = await steps.roles('backup active', roles, {
      ...roles,
      active: backup.region,
      state: 'steady',
      target: undefined,
      startedAt: undefined,
      epoch: roles.epoch + 1,
      switchedAt: clock.now(),
      posture: { [primary.region]: primaryPosture, [backup.region]: 'active' },
      behindSince: caughtUpWith(roles.behindSince, backup.region),
    });
    progress(`the backup pool is active (${backup.region})`);
  } else if (roles.posture[primary.region] !== 'standby') {
    // Failed over while the primary was gone; now that it answers, it can be made ready to take changes back.
    const primaryPosture = await standbyIfReachable(primary, steps);
    if (primaryPosture === 'standby') {
      roles = await steps.roles('primary on standby', roles, {
        ...roles,
        posture: { ...roles.posture, [primary.region]: 'standby' },
      });
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
    steps: steps.log,
    stepsLeft: steps.stepsLeft,
    totpReenrolment: totpReenrolment(everyone.records),
  };
}

export async function failback(deps: SwitchDeps): Promise<FailbackReport> {
  const { primary, backup, clock, progress } = deps;
  const steps = new Steps(deps);
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
    // Switched back already; what a run that stopped after the switch left (the backup's posture, a catch-up).
    const finished = await finishFailback(deps, steps, roles, { standbyTried: false });
    const endpoint = endpointOf(primary, finished.roles);
    return {
      alreadyActive: true,
      carriedBack: finished.late?.changed.length ?? 0,
      awaitingMigration: finished.late?.awaitingMigration.length ?? 0,
      passwordResets: 0,
      backupCaughtUp: finished.backupCaughtUp?.changed.length ?? 0,
      endpoint,
      publishedTo: await deps.publish(endpoint),
      roles: finished.roles,
      steps: steps.log,
      stepsLeft: steps.stepsLeft,
    };
  }
  const failedOverAt = roles.switchedAt ?? 0;
  const since = Math.max(0, failedOverAt - deps.marginMs);

  if (roles.state === 'steady') {
    // Nothing may be applied into the primary while it would verify (message) a changed address.
    await steps.posture(primary, 'standby');
    roles = await steps.roles('failing-back', roles, {
      ...roles,
      state: 'failing-back',
      target: primary.region,
      startedAt: clock.now(),
      posture: { ...roles.posture, [primary.region]: 'standby' },
    });
    progress(`failing back to ${primary.region}: the backup's changes are applied to the primary pool`);
  } else {
    progress(`resuming the failback started ${new Date(roles.startedAt ?? 0).toISOString()}`);
  }

  const carried = await carryBack(deps, since);
  assertComplete(carried, 'brought up to date in the primary pool');

  // Switch: the primary serves users again, the backup goes back to standby. Both pools still have to take what
  // the other wrote meanwhile: noted in the roles, so a run that stops after the switch is finished by the next.
  const drainStartedAt = clock.now();
  await steps.posture(primary, 'active');
  const backupPosture = await standbyIfReachable(backup, steps);
  const behind = roles.behindSince ?? {};
  roles = await steps.roles('primary active', roles, {
    ...roles,
    active: primary.region,
    state: 'steady',
    target: undefined,
    startedAt: undefined,
    epoch: roles.epoch + 1,
    switchedAt: clock.now(),
    posture: { [primary.region]: 'active', [backup.region]: backupPosture },
    behindSince: {
      ...behind,
      [primary.region]: Math.min(behind[primary.region] ?? drainStartedAt, drainStartedAt),
      [backup.region]: Math.min(behind[backup.region] ?? failedOverAt, failedOverAt),
    },
  });
  await clock.sleep(deps.settleMs);
  progress(`the primary pool is active again (${primary.region})`);

  const finished = await finishFailback(deps, steps, roles, { standbyTried: true });
  const endpoint = endpointOf(primary, finished.roles);
  return {
    alreadyActive: false,
    carriedBack: new Set([...carried.changed, ...(finished.late?.changed ?? [])]).size,
    awaitingMigration: new Set([...carried.awaitingMigration, ...(finished.late?.awaitingMigration ?? [])])
      .size,
    passwordResets: await countPasswordResets(backup.state, failedOverAt),
    backupCaughtUp: finished.backupCaughtUp?.changed.length ?? 0,
    endpoint,
    publishedTo: await deps.publish(endpoint),
    roles: finished.roles,
    steps: steps.log,
    stepsLeft: steps.stepsLeft,
  };
}

/**
 * What follows the switch back, and what running failback again finishes: the backup pool on standby, then each
 * pool caught up with what the other region wrote since the time `behindSince` notes for it. The primary takes the
 * backup's changes made during the switch; the backup takes the primary's late writes of the failover, and every
 * record its consumer skipped while its posture was unknown. An entry is dropped once its catch-up is complete.
 */
async function finishFailback(
  deps: SwitchDeps,
  steps: Steps,
  start: RegionRoles,
  /** Whether this run has just tried (with its retries) to set the backup on standby. */
  { standbyTried }: { standbyTried: boolean },
): Promise<{ roles: RegionRoles; late?: CatchUpResult; backupCaughtUp?: CatchUpResult }> {
  const { primary, backup, clock } = deps;
  let roles = start;
  if (
    roles.posture[backup.region] !== 'standby' &&
    !standbyTried &&
    (await standbyIfReachable(backup, steps)) === 'standby'
  ) {
    roles = await steps.roles('backup on standby', roles, {
      ...roles,
      posture: { ...roles.posture, [backup.region]: 'standby' },
    });
    // Its consumer applies from now on; the catch-up below covers what it skipped before.
    await clock.sleep(deps.settleMs);
  }
  const primarySince = roles.behindSince?.[primary.region];
  const backupSince = roles.behindSince?.[backup.region];
  let late: CatchUpResult | undefined;
  let backupCaughtUp: CatchUpResult | undefined;
  if (primarySince !== undefined) late = await carryBack(deps, Math.max(0, primarySince - deps.marginMs));
  // A pool that may still verify (message) a changed address takes nothing until it is on standby.
  if (backupSince !== undefined && roles.posture[backup.region] === 'standby') {
    backupCaughtUp = await catchUp(backup.users, backup.pool, {
      origins: [primary.region],
      since: Math.max(0, backupSince - deps.marginMs),
      createMissing: true,
      notePoolSub: (sub, username) => notePoolSub(backup.state, sub, username),
      breaker: deps.breakerOf(backup),
      concurrency: deps.concurrency,
      now: () => clock.now(),
    });
  }
  let behind = roles.behindSince;
  if (late && failedCount(late) === 0) behind = caughtUpWith(behind, primary.region);
  if (backupCaughtUp && failedCount(backupCaughtUp) === 0) behind = caughtUpWith(behind, backup.region);
  if (JSON.stringify(behind) !== JSON.stringify(roles.behindSince)) {
    roles = await steps.roles('caught up', roles, { ...roles, behindSince: behind });
  }
  if (late) assertComplete(late, 'brought up to date in the primary pool');
  if (backupCaughtUp) assertComplete(backupCaughtUp, 'brought up to date in the backup pool');
  if (roles.behindSince?.[backup.region] !== undefined && roles.posture[backup.region] !== 'standby') {
    steps.left(`${backup.region} pool caught up`, 'it is not on standby yet');
  }
  return { roles, late, backupCaughtUp };
}

/**
 * Applies what the backup region wrote since `since` to the primary pool, once replication has carried it across;
 * never pre-creating a user (those who signed up in the backup migrate in with their password).
 */
async function carryBack(deps: SwitchDeps, since: number): Promise<CatchUpResult> {
  const { primary, backup, clock } = deps;
  await waitForReplication(deps, since);
  return catchUp(primary.users, primary.pool, {
    origins: [backup.region],
    since,
    createMissing: false,
    breaker: deps.breakerOf(primary),
    concurrency: deps.concurrency,
    now: () => clock.now(),
  });
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
