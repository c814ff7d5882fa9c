// `cognito-dr failover` and `cognito-dr failback`: the switch itself lives in @cognito-dr/failover; this runs it on a
// resolved pair of regions and reports what an operator under stress needs to read: what was recovered, where apps
// must point now, and what to tell users.
import {
  type ActiveEndpoint,
  type FailbackReport,
  type FailoverReport,
  failback,
  failover,
  type SwitchDeps,
  SwitchIncompleteError,
  SwitchRefusedError,
} from '@cognito-dr/failover';
import { errorName, readRoles } from '@cognito-dr/shared';
import { cliBreaker } from './breaker';
import type { CommandContext } from './commands';
import { EXIT } from './commands';
import { type Regions, resolveRegions } from './regions';
import type { StackOutputs } from './targets';

/** Timings of a switch: functions cache region roles for 2 s; records are looked at again 15 min back. */
export const SWITCH_TIMINGS = { settleMs: 2_500, marginMs: 15 * 60_000, replicationTimeoutMs: 5 * 60_000 };

export type SwitchContext = Omit<CommandContext, 'target'> & { stackOutputs?: StackOutputs };

export async function runSwitch(ctx: SwitchContext, which: 'failover' | 'failback'): Promise<number> {
  const regions = await resolveRegions(ctx.options.target, ctx.stackOutputs);
  for (const region of [regions.primary, regions.backup]) {
    ctx.serverTime.watch(region.pool.cognito);
    ctx.serverTime.watch(region.users.table);
  }
  // A switch stamps region roles (and so where a failback starts catching up) with this clock: it must be right.
  await ctx.serverTime.assertTrusted(() => readRoles(regions.backup.control));
  const deps = switchDeps(regions, ctx);
  try {
    const report = which === 'failover' ? await failover(deps) : await failback(deps);
    return reportSwitch(ctx, which, regions.label, report);
  } catch (error) {
    if (error instanceof SwitchRefusedError) {
      ctx.err(`cognito-dr: ${which} refused: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof SwitchIncompleteError) {
      ctx.err(`cognito-dr: ${which} not finished: ${error.message}`);
      return EXIT.incomplete;
    }
    ctx.err(
      `cognito-dr: ${which} stopped (${errorName(error) ?? 'Error'}); run the same command again to continue`,
    );
    return EXIT.incomplete;
  }
}

/** Prints what a switch did; exit 3 while a step is left, which running the same command again finishes. */
export function reportSwitch(
  ctx: Pick<SwitchContext, 'options' | 'out' | 'err'>,
  which: 'failover' | 'failback',
  label: string,
  report: FailoverReport | FailbackReport,
): number {
  if (ctx.options.json)
    ctx.out(
      JSON.stringify({ command: which, target: label, ...summary(report, ctx.options.verbose === true) }),
    );
  else if (which === 'failover') printFailover(ctx, report as FailoverReport);
  else printFailback(ctx, report as FailbackReport);
  if (report.stepsLeft.length > 0) {
    ctx.err(
      `cognito-dr: ${which} not finished: ${report.stepsLeft.join('; ')}; run \`cognito-dr ${which}\` again ` +
        'to finish (once the region answers, if it does not)',
    );
    return EXIT.incomplete;
  }
  return EXIT.ok;
}

export function switchDeps(
  regions: Regions,
  ctx: Pick<SwitchContext, 'clock' | 'err' | 'progress'>,
): SwitchDeps {
  return {
    primary: regions.primary,
    backup: regions.backup,
    publish: regions.publish,
    clock: ctx.clock,
    progress: (line) => (ctx.progress ? ctx.progress(line) : ctx.err(line)),
    breakerOf: (region) => cliBreaker(region, ctx),
    ...SWITCH_TIMINGS,
  };
}

const endpointLines = (endpoint: ActiveEndpoint) => [
  `  region        ${endpoint.region}`,
  `  user pool     ${endpoint.userPoolId}`,
  `  app client    ${endpoint.clientId}`,
  `  issuer        ${endpoint.issuer}`,
];

function printFailover(ctx: Pick<SwitchContext, 'out' | 'options'>, report: FailoverReport): void {
  if (report.alreadyActive) {
    ctx.out(`${report.endpoint.region} is already the active region (epoch ${report.roles.epoch})`);
  } else {
    const caughtUp = report.caughtUp;
    ctx.out(`failed over to ${report.endpoint.region}`);
    if (caughtUp) {
      ctx.out(
        `  caught up     ${caughtUp.changed.length} users the backup pool was behind on, of ${caughtUp.checked} ` +
          `records written since ${new Date(report.since ?? 0).toISOString()}` +
          (report.fromWatermark ? '' : ' (no watermark: every record)'),
      );
      if (caughtUp.groupsChanged.length > 0)
        ctx.out(`  groups        ${caughtUp.groupsChanged.length} made what their records say`);
      if (caughtUp.unreadable)
        ctx.out(`  unreadable    ${caughtUp.unreadable} table items are not valid records`);
    }
  }
  ctx.out(
    report.primaryPosture === 'standby'
      ? '  primary pool  on standby: changes made now in the backup region will reach it'
      : '  primary pool  not on standby yet (unreachable, or the step failed): run `cognito-dr failover` again once it answers',
  );
  ctx.out('apps switch to:');
  for (const line of endpointLines(report.endpoint)) ctx.out(line);
  ctx.out(`published to   ${report.publishedTo.join(', ')}`);
  ctx.out(
    'users: existing users set a new password with "forgot password" (passwords and MFA secrets cannot be copied)',
  );
  const totp = report.totpReenrolment;
  if (totp.length > 0) {
    ctx.out(
      `  TOTP          ${totp.length} users enrol their authenticator app again at their first sign-in` +
        (ctx.options.verbose ? ' (home subs below)' : ' (--verbose lists them by home sub)'),
    );
    if (ctx.options.verbose) for (const sub of totp) ctx.out(`  totp          ${sub}`);
  }
}

function printFailback(ctx: Pick<SwitchContext, 'out'>, report: FailbackReport): void {
  ctx.out(
    report.alreadyActive
      ? `${report.endpoint.region} is already the active region (epoch ${report.roles.epoch})`
      : `failed back to ${report.endpoint.region}`,
  );
  if (!report.alreadyActive) {
    ctx.out(`  carried back        ${report.carriedBack} users changed in the backup region`);
    ctx.out(
      `  awaiting migration  ${report.awaitingMigration} users who signed up during the failover: they come in with ` +
        'their own password on first sign-in (or through "forgot password")',
    );
    ctx.out(
      `  password resets     ${report.passwordResets} users reset their password during the failover: their password ` +
        'from before the failover works again; the one they set in the backup region does not. Must reset again: 0',
    );
    ctx.out(
      `  backup caught up    ${report.backupCaughtUp} late changes of the primary region applied to the backup pool`,
    );
  }
  ctx.out('apps switch back to:');
  for (const line of endpointLines(report.endpoint)) ctx.out(line);
  ctx.out(`published to   ${report.publishedTo.join(', ')}`);
}

function summary(report: FailoverReport | FailbackReport, verbose: boolean): Record<string, unknown> {
  if ('carriedBack' in report) {
    const { roles, ...rest } = report;
    return { ...rest, epoch: roles.epoch };
  }
  const { roles, caughtUp, totpReenrolment, ...rest } = report;
  return {
    ...rest,
    epoch: roles.epoch,
    totpReenrolment: totpReenrolment.length,
    ...(verbose ? { totpReenrolmentUsers: totpReenrolment } : {}),
    caughtUp: caughtUp && {
      checked: caughtUp.checked,
      changed: caughtUp.changed.length,
      unreadable: caughtUp.unreadable,
    },
  };
}
