// cognito-dr triggers: what each trigger slot of the primary pool names (cognito-dr's function, the pool's own, or
// nothing), the params that keep the pool's own behind cognito-dr's, and by hand what a deploy or the stack's removal
// does to them (@cognito-dr/adopt), with the LambdaConfig printed before and after.
import {
  AddCustomAttributesCommand,
  DescribeUserPoolCommand,
  type LambdaConfigType,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type AdoptedPoolDeps,
  AdoptionError,
  adoptedTriggerParam,
  adoptPool,
  planInstall,
  planRemoval,
  releasePool,
  TRIGGER_SLOTS,
  type TriggerArns,
  type TriggerAssignment,
  type TriggerPlan,
} from '@cognito-dr/adopt';
import { isErrorNamed } from '@cognito-dr/shared';
import { type CommandContext, EXIT } from './commands';
import { TargetError } from './targets';

const { linkAttributes } = require('../shared/pool-schema.json') as {
  linkAttributes: { Name: string; AttributeDataType: 'String'; Mutable: boolean }[];
};

/** The primary stack's PoolTriggers output: cognito-dr's functions and the pool's own, by slot ('' for none). */
export function parsePoolTriggers(raw: string | undefined): TriggerAssignment | undefined {
  if (!raw) return undefined;
  let parsed: { ours?: Record<string, string>; theirs?: Record<string, string> };
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new TargetError(
      "the primary stack's PoolTriggers output is not JSON: deploy this version of the stack",
    );
  }
  const slots = (map: Record<string, string> | undefined): TriggerArns =>
    Object.fromEntries(TRIGGER_SLOTS.filter((slot) => map?.[slot]).map((slot) => [slot, map?.[slot]]));
  return { ours: slots(parsed.ours), theirs: slots(parsed.theirs) };
}

const pad = (text: string, width: number) => text.padEnd(width);

function describeSlots(config: LambdaConfigType, assignment: TriggerAssignment | undefined): string[] {
  const lines: string[] = [];
  for (const slot of TRIGGER_SLOTS) {
    const arn = config[slot];
    let whose = '(none)';
    if (arn && arn === assignment?.ours[slot]) {
      const theirs = assignment.theirs[slot];
      whose = theirs ? `cognito-dr's, calls ${theirs}` : "cognito-dr's";
    } else if (arn) {
      whose = `the pool's own (param ${adoptedTriggerParam(slot)})`;
    }
    lines.push(`  ${pad(slot, 19)} ${arn ?? '-'}  ${whose}`);
  }
  const others = Object.entries(config).filter(
    ([key, value]) => !(TRIGGER_SLOTS as readonly string[]).includes(key) && value !== undefined,
  );
  for (const [key, value] of others) {
    lines.push(
      `  ${pad(key, 19)} ${typeof value === 'string' ? value : JSON.stringify(value)}  never touched`,
    );
  }
  return lines;
}

function printPlan(ctx: CommandContext, plan: TriggerPlan, assignment: TriggerAssignment) {
  ctx.out('before:');
  for (const line of describeSlots(plan.before, assignment)) ctx.out(line);
  ctx.out('after:');
  for (const line of describeSlots(plan.after, assignment)) ctx.out(line);
}

export async function runTriggers(ctx: CommandContext): Promise<number> {
  const { target, options } = ctx;
  const pool = target.primary;
  if (!pool) throw new TargetError('triggers needs the primary pool');
  const assignment = parsePoolTriggers(target.poolTriggers);
  const action = options.triggerAction ?? 'show';
  const cognito = pool.cognito;
  const deps: AdoptedPoolDeps = {
    describeUserPool: (input) => cognito.send(new DescribeUserPoolCommand(input)),
    updateUserPool: (input) => cognito.send(new UpdateUserPoolCommand(input)),
    addCustomAttributes: (input) => cognito.send(new AddCustomAttributesCommand(input)),
    log: { info: () => {} },
  };
  let described: Awaited<ReturnType<AdoptedPoolDeps['describeUserPool']>>['UserPool'];
  try {
    described = (await deps.describeUserPool({ UserPoolId: pool.userPoolId })).UserPool;
  } catch (error) {
    if (!isErrorNamed(error, 'ResourceNotFoundException')) throw error;
  }
  if (!described) {
    throw new AdoptionError(
      `user pool ${pool.userPoolId} does not exist in ${pool.region}: check the pool id and region`,
    );
  }
  const config = described.LambdaConfig ?? {};

  if (action === 'show') {
    if (options.json) {
      ctx.out(
        JSON.stringify({ userPoolId: pool.userPoolId, lambdaConfig: config, triggers: assignment ?? null }),
      );
      return EXIT.ok;
    }
    ctx.out(`pool ${pool.userPoolId} (${pool.region}):`);
    for (const line of describeSlots(config, assignment)) ctx.out(line);
    const theirs = TRIGGER_SLOTS.filter((slot) => config[slot] && config[slot] !== assignment?.ours[slot]);
    if (theirs.length > 0) {
      ctx.out(
        "to keep the pool's own triggers behind cognito-dr's, deploy services/primary with these params:",
      );
      for (const slot of theirs) ctx.out(`  ${adoptedTriggerParam(slot)}: ${config[slot]}`);
    }
    return EXIT.ok;
  }

  if (!assignment) {
    throw new TargetError(
      `--${action} needs --stage: the primary stack's PoolTriggers output names cognito-dr's trigger functions`,
    );
  }
  const plan = action === 'install' ? planInstall(config, assignment) : planRemoval(config, assignment);
  if (plan.conflicts.length > 0) {
    for (const conflict of plan.conflicts) ctx.err(`cognito-dr: ${conflict.todo}`);
    ctx.err('cognito-dr: nothing was changed');
    return EXIT.usage;
  }
  printPlan(ctx, plan, assignment);
  if (!plan.changed) {
    ctx.out('nothing to change');
    return EXIT.ok;
  }
  if (options.dryRun) {
    ctx.out('--dry-run: nothing was changed');
    return EXIT.ok;
  }
  if (action === 'install') {
    const adopted = await adoptPool(deps, {
      userPoolId: pool.userPoolId,
      region: pool.region,
      triggers: assignment,
      link: linkAttributes[0] as never,
    });
    if (adopted.addedLink)
      ctx.out('added custom:source_sub to the pool (custom attributes cannot be removed)');
  } else {
    await releasePool(deps, {
      userPoolId: pool.userPoolId,
      region: pool.region,
      triggers: assignment,
      link: {},
    });
  }
  ctx.out(action === 'install' ? "cognito-dr's triggers installed" : "the pool's own triggers are back");
  return EXIT.ok;
}
