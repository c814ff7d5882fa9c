// `cognito-dr deletes`: the deletions each region's breaker held, listed, released (the users are deleted after all,
// unless their record is live again) or discarded (the users are kept). Both regions are looked at: holds arise
// wherever a pool was standby, the backup pool normally, the primary during a failback.
import { type DeletionHold, listHolds, type SettledHolds, settleHolds } from '@cognito-dr/apply';
import type { RegionHandle } from '@cognito-dr/failover';
import { budgetedCognito } from '@cognito-dr/reconcile';
import { budgetFor, EXIT } from './commands';
import { resolveRegions } from './regions';
import type { SwitchContext } from './switch-commands';

const answers = (region: RegionHandle) =>
  region.probe().then(
    () => true,
    () => false,
  );

export async function runDeletes(ctx: SwitchContext): Promise<number> {
  const { options } = ctx;
  const regions = await resolveRegions(options.target, ctx.stackOutputs);
  const reachable: RegionHandle[] = [];
  for (const region of [regions.primary, regions.backup]) {
    if (await answers(region)) reachable.push(region);
    else ctx.err(`cognito-dr: ${region.region} does not answer: its held deletions are left as they are`);
  }
  const allAnswered = reachable.length === 2;

  if (options.holds === 'list') {
    const holds: (DeletionHold & { region: string })[] = [];
    for (const region of reachable) {
      for (const hold of await listHolds(region.state)) holds.push({ region: region.region, ...hold });
    }
    printList(ctx, regions.label, holds);
    return allAnswered ? EXIT.ok : EXIT.incomplete;
  }

  const decision = options.holds === 'discard' ? 'discard' : 'release';
  const results: { region: string; settled: SettledHolds }[] = [];
  for (const region of reachable) {
    const paced = budgetedCognito(region.pool.cognito, budgetFor(options), ctx.clock);
    const settled = await settleHolds(
      {
        state: region.state,
        users: region.users,
        pool: { cognito: paced.client, userPoolId: region.pool.userPoolId },
        now: () => ctx.clock.now(),
      },
      decision,
      { usernames: options.users, concurrency: options.concurrency },
    );
    results.push({ region: region.region, settled });
  }
  // A name is "not held" only if no region holds it.
  const notHeld = (options.users ?? []).filter((name) =>
    results.every(({ settled }) => settled.notHeld.includes(name)),
  );
  printSettled(ctx, regions.label, decision, results, notHeld);
  const failed = results.some(({ settled }) => Object.keys(settled.failed).length > 0);
  return !allAnswered ? EXIT.incomplete : failed ? EXIT.drift : EXIT.ok;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function printList(ctx: SwitchContext, label: string, holds: (DeletionHold & { region: string })[]): void {
  if (ctx.options.json) {
    ctx.out(
      JSON.stringify({
        command: 'deletes',
        action: 'list',
        target: label,
        holds: holds.map((hold) => ({
          ...hold,
          heldAt: iso(hold.heldAt),
          ...(hold.discardedAt === undefined ? {} : { discardedAt: iso(hold.discardedAt) }),
        })),
      }),
    );
    return;
  }
  const held = holds.filter((hold) => hold.state === 'held');
  ctx.out(
    `deletions held by the breaker (${label}): ${held.length} held, ${holds.length - held.length} discarded`,
  );
  for (const hold of holds) {
    const version = hold.version === undefined ? 'no record' : `tombstone v${hold.version}`;
    ctx.out(
      `  ${hold.region}  ${hold.state.padEnd(9)}  ${iso(hold.heldAt)}  ${version.padEnd(14)}  ${hold.username}`,
    );
  }
  if (held.length > 0)
    ctx.out(
      '  decide with --release (delete them after all) or --discard (keep them); after a restore, --release keeps ' +
        'every user whose record is live again',
    );
}

function printSettled(
  ctx: SwitchContext,
  label: string,
  decision: 'release' | 'discard',
  results: { region: string; settled: SettledHolds }[],
  notHeld: string[],
): void {
  const { options } = ctx;
  const summary = results.map(({ region, settled }) => ({
    region,
    deleted: settled.deleted.length,
    live: settled.live.length,
    discarded: settled.discarded.length,
    failed: settled.failed,
    rearmed: settled.rearmed,
    ...(options.verbose
      ? { users: { deleted: settled.deleted, live: settled.live, discarded: settled.discarded } }
      : {}),
  }));
  if (options.json) {
    ctx.out(
      JSON.stringify({ command: 'deletes', action: decision, target: label, regions: summary, notHeld }),
    );
    return;
  }
  ctx.out(`${decision} of the deletions held by the breaker (${label})`);
  for (const { region, settled } of results) {
    const failed = Object.entries(settled.failed);
    ctx.out(
      `  ${region}: deleted ${settled.deleted.length} · kept, record live again ${settled.live.length} · ` +
        `discarded (kept) ${settled.discarded.length} · failed ${failed.reduce((sum, [, n]) => sum + n, 0)}` +
        (failed.length > 0 ? ` (${failed.map(([name, n]) => `${name} ×${n}`).join(', ')})` : '') +
        (settled.rearmed ? ' · breaker re-armed' : ''),
    );
    if (options.verbose) {
      for (const name of settled.deleted) ctx.out(`    deleted    ${name}`);
      for (const name of settled.live) ctx.out(`    live       ${name}`);
      for (const name of settled.discarded) ctx.out(`    discarded  ${name}`);
    }
  }
  for (const name of notHeld) ctx.out(`  not held: ${name}`);
}
