// Taking a pool cognito-dr did not create under its protection, and letting it go again. Adopting checks the pool is
// where it was said to be, gives it the one attribute cognito-dr writes (the link to a home sub; custom attributes
// can never be removed, so this is the one lasting change), and installs cognito-dr's triggers in front of the
// pool's own. Releasing puts the pool's own triggers back exactly. Each write hands back every other setting.
import type {
  AddCustomAttributesRequest,
  DescribeUserPoolRequest,
  DescribeUserPoolResponse,
  LambdaConfigType,
  SchemaAttributeType,
  UpdateUserPoolRequest,
  UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { isErrorNamed, poolUpdateRequest, SOURCE_SUB_ATTRIBUTE } from '@cognito-dr/shared';
import { type PoolShape, poolShape } from './pool-shape';
import { planInstall, planRemoval, type TriggerAssignment, type TriggerPlan } from './pool-triggers';

export interface AdoptedPoolDeps {
  describeUserPool(input: DescribeUserPoolRequest): Promise<DescribeUserPoolResponse>;
  updateUserPool(input: UpdateUserPoolRequest): Promise<unknown>;
  addCustomAttributes(input: AddCustomAttributesRequest): Promise<unknown>;
  log: { info(message: string, fields: Record<string, unknown>): void };
}

export interface Adoption {
  userPoolId: string;
  /** The region the stack protects the pool from; the pool must be there. */
  region: string;
  triggers: TriggerAssignment;
  /** The link attribute as the backup pool declares it (shared/pool-schema.json). */
  link: SchemaAttributeType;
}

/** The pool is not what it was said to be (missing, elsewhere, or with triggers nobody declared). Nothing changed. */
export class AdoptionError extends Error {
  override readonly name = 'AdoptionError';
}

export interface Adopted {
  arn: string;
  shape: PoolShape;
  triggers: TriggerPlan;
  addedLink: boolean;
}

const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$/;

/** The region a pool id names, checked against where it is to be protected from, before any call. */
export function checkPoolRegion(userPoolId: string, region: string): void {
  const match = POOL_ID.exec(userPoolId);
  if (!match) {
    throw new AdoptionError(
      `primaryUserPoolId "${userPoolId}" is not a user pool id (<region>_<id>, as the Cognito console shows it)`,
    );
  }
  if (match[1] !== region) {
    throw new AdoptionError(
      `user pool ${userPoolId} is in ${match[1]}, not in ${region} where the primary stack is deployed: ` +
        `set param primaryRegion to ${match[1]}, or name a pool of ${region}`,
    );
  }
}

async function describe(deps: AdoptedPoolDeps, adoption: Pick<Adoption, 'userPoolId' | 'region'>) {
  try {
    const { UserPool } = await deps.describeUserPool({ UserPoolId: adoption.userPoolId });
    if (UserPool) return UserPool;
  } catch (error) {
    if (!isErrorNamed(error, 'ResourceNotFoundException')) throw error;
  }
  return undefined;
}

const arnsOnly = (config: LambdaConfigType | undefined) => JSON.stringify(config ?? {});

async function writeTriggers(
  deps: AdoptedPoolDeps,
  pool: UserPoolType,
  userPoolId: string,
  plan: TriggerPlan,
) {
  if (!plan.changed) return;
  await deps.updateUserPool(poolUpdateRequest(pool, userPoolId, { LambdaConfig: plan.after }));
  // ARNs only: which functions the pool calls, before and after.
  deps.log.info('pool triggers changed', {
    userPoolId,
    before: arnsOnly(plan.before),
    after: arnsOnly(plan.after),
  });
}

export async function adoptPool(
  deps: AdoptedPoolDeps,
  adoption: Adoption,
  previous?: TriggerAssignment,
): Promise<Adopted> {
  checkPoolRegion(adoption.userPoolId, adoption.region);
  let pool = await describe(deps, adoption);
  if (!pool) {
    throw new AdoptionError(
      `user pool ${adoption.userPoolId} does not exist in ${adoption.region}: check param primaryUserPoolId ` +
        '(and that the deploy uses the account the pool is in)',
    );
  }
  const triggers = planInstall(pool.LambdaConfig, adoption.triggers, previous);
  if (triggers.conflicts.length > 0) {
    throw new AdoptionError(`${triggers.conflicts.map((c) => c.todo).join('; ')}; nothing was changed`);
  }
  const addedLink = !(pool.SchemaAttributes ?? []).some((a) => a.Name === SOURCE_SUB_ATTRIBUTE);
  if (addedLink) {
    const { Name, ...definition } = adoption.link;
    await deps.addCustomAttributes({
      UserPoolId: adoption.userPoolId,
      CustomAttributes: [{ ...definition, Name: (Name ?? '').replace(/^custom:/, '') }],
    });
    deps.log.info('link attribute added', {
      userPoolId: adoption.userPoolId,
      attribute: SOURCE_SUB_ATTRIBUTE,
    });
    pool = (await describe(deps, adoption)) ?? pool;
  }
  await writeTriggers(deps, pool, adoption.userPoolId, triggers);
  return { arn: pool.Arn ?? '', shape: poolShape(pool), triggers, addedLink };
}

/** Puts the pool's own triggers back; a pool that no longer exists has nothing to restore. */
export async function releasePool(
  deps: AdoptedPoolDeps,
  adoption: Adoption,
): Promise<TriggerPlan | undefined> {
  const pool = await describe(deps, adoption);
  if (!pool) return undefined;
  const plan = planRemoval(pool.LambdaConfig, adoption.triggers);
  await writeTriggers(deps, pool, adoption.userPoolId, plan);
  return plan;
}
