// Whose table this is: bulk writers (backfill, reconcile, repair, restore) look at a sample of the table's records
// before writing anything, and refuse a table whose records name pools of another deployment. A laptop with a dev
// pool pointed at prod's table must not write dev users into prod.
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { RegionRoles } from './region-roles';

/**
 * This deployment's pool in each of its two regions, keyed by region; undefined where the caller does not know it
 * (a target given only the pool it works on). Every region of the deployment is a key.
 */
export type DeploymentPools = Record<string, string | undefined>;

/** The table holds records of another deployment's pool, or the roles name other pools than the target. Exit code 2. */
export class ForeignTableError extends Error {
  override readonly name = 'ForeignTableError';
}

/** Items looked at: one Scan page of two small attributes, a few read units whatever the table's size. */
const OWNER_SAMPLE_SIZE = 100;

/**
 * The deployment's pools as the target knows them, completed by region roles where they name them (a switch records
 * both pools in the roles item). A roles item naming another pool than the target in a region is someone else's.
 */
export function deploymentPools(known: DeploymentPools, roles?: Pick<RegionRoles, 'pools'>): DeploymentPools {
  const pools = { ...known };
  for (const [region, poolId] of Object.entries(roles?.pools ?? {})) {
    const expected = pools[region];
    if (expected !== undefined && expected !== poolId) {
      throw new ForeignTableError(
        `region roles name pool ${poolId} in ${region}, the target's pool there is ${expected}: ` +
          'the control table belongs to another deployment, or the target names the wrong pool',
      );
    }
    if (region in pools) pools[region] = poolId;
  }
  return pools;
}

interface OwnerSample {
  /** Items looked at. */
  sampled: number;
  /** Of them, those that name the pool they came from (records written before pool ids were recorded do not). */
  named: number;
}

/**
 * Refuses (ForeignTableError) when any sampled record names a region outside the deployment, or a pool other than
 * the deployment's pool of its region. Records without a pool id and pools the caller does not know pass: an empty
 * table is every deployment's, and a target that knows only its own pool still catches the laptop above, whose
 * pool differs from the one prod's records name in the same region.
 */
export async function assertOwnTable(
  table: DynamoDBDocumentClient,
  tableName: string,
  pools: DeploymentPools,
): Promise<OwnerSample> {
  const { Items = [] } = await table.send(
    new ScanCommand({
      TableName: tableName,
      Limit: OWNER_SAMPLE_SIZE,
      ProjectionExpression: '#origin, #poolId',
      ExpressionAttributeNames: { '#origin': 'origin', '#poolId': 'poolId' },
    }),
  );
  const regions = Object.keys(pools);
  const ours = regions.map((region) => `${pools[region] ?? 'a pool not given'} in ${region}`).join(', ');
  let named = 0;
  for (const item of Items) {
    const { origin, poolId } = item;
    if (typeof origin !== 'string' || typeof poolId !== 'string') continue;
    named += 1;
    const expected = pools[origin];
    if (!regions.includes(origin) || (expected !== undefined && expected !== poolId)) {
      throw new ForeignTableError(
        `table ${tableName} holds records of pool ${poolId} (${origin}), not of this deployment's pools (${ours}); ` +
          'nothing was written: point the command at the table of these pools, or at the pools of this table',
      );
    }
  }
  return { sampled: Items.length, named };
}
