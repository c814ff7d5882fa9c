// The table-owner guard: a sample of the records must name this deployment's pools, region by region.
import { recordToItem } from './record-mapper';
import { assertOwnTable, type DeploymentPools, deploymentPools, ForeignTableError } from './table-owner';
import { ScannableTable } from './testing/scannable-table';
import { RECORD_SCHEMA_VERSION, type UserRecord } from './user-record';

const PRIMARY = 'us-east-1';
const BACKUP = 'ap-northeast-1';
const OURS: DeploymentPools = { [PRIMARY]: 'us-east-1_Prod', [BACKUP]: 'ap-northeast-1_ProdB' };

const record = (username: string, origin: string, poolId?: string): UserRecord => ({
  username,
  schemaVersion: RECORD_SCHEMA_VERSION,
  sub: `sub-${username}`,
  attributes: {},
  enabled: true,
  status: 'CONFIRMED',
  groups: [],
  updatedAt: 1,
  version: 1,
  origin,
  ...(poolId ? { poolId } : {}),
});

const tableWith = (...records: UserRecord[]) => {
  const table = new ScannableTable();
  for (const one of records) table.put(recordToItem(one));
  return table;
};

describe('assertOwnTable', () => {
  it("passes a table whose records name this deployment's pools, in either region", async () => {
    const table = tableWith(
      record('ada', PRIMARY, 'us-east-1_Prod'),
      record('bob', BACKUP, 'ap-northeast-1_ProdB'),
      record('cy', PRIMARY),
    );
    await expect(assertOwnTable(table.client, 'users', OURS)).resolves.toEqual({ sampled: 3, named: 2 });
  });

  it('passes an empty table, and records written before pool ids were recorded', async () => {
    await expect(assertOwnTable(tableWith().client, 'users', OURS)).resolves.toEqual({
      sampled: 0,
      named: 0,
    });
    await expect(assertOwnTable(tableWith(record('ada', PRIMARY)).client, 'users', OURS)).resolves.toEqual({
      sampled: 1,
      named: 0,
    });
  });

  it("refuses prod's table to a laptop with a dev pool in the same region, naming both pools", async () => {
    const prod = tableWith(record('ada', PRIMARY, 'us-east-1_Prod'));
    const laptop = { [PRIMARY]: 'us-east-1_Dev', [BACKUP]: undefined };
    const refusal = assertOwnTable(prod.client, 'users-prod', laptop);
    await expect(refusal).rejects.toThrow(ForeignTableError);
    await expect(refusal).rejects.toThrow(
      /table users-prod holds records of pool us-east-1_Prod \(us-east-1\), not of this deployment's pools \(us-east-1_Dev in us-east-1, a pool not given in ap-northeast-1\)/,
    );
  });

  it("refuses records of a region outside the deployment, and lets through the other region's when its pool is not known", async () => {
    const elsewhere = tableWith(record('ada', 'eu-west-1', 'eu-west-1_Other'));
    await expect(assertOwnTable(elsewhere.client, 'users', OURS)).rejects.toThrow(ForeignTableError);

    const failedOver = tableWith(record('ada', BACKUP, 'ap-northeast-1_ProdB'));
    const primaryOnly = { [PRIMARY]: 'us-east-1_Prod', [BACKUP]: undefined };
    await expect(assertOwnTable(failedOver.client, 'users', primaryOnly)).resolves.toMatchObject({
      named: 1,
    });
  });

  it('reads one page of two attributes, however large the table', async () => {
    const table = tableWith(
      ...Array.from({ length: 250 }, (_, i) => record(`user-${i}`, PRIMARY, 'us-east-1_Prod')),
    );
    await expect(assertOwnTable(table.client, 'users', OURS)).resolves.toMatchObject({ sampled: 100 });
    expect(table.calls.filter((call) => call === 'ScanCommand')).toHaveLength(1);
  });
});

describe('deploymentPools', () => {
  it('fills the pools the target does not know from region roles', () => {
    const known = { [PRIMARY]: 'us-east-1_Prod', [BACKUP]: undefined };
    expect(deploymentPools(known, { pools: OURS as Record<string, string> })).toEqual(OURS);
    expect(deploymentPools(known, {})).toEqual(known);
    expect(deploymentPools(known)).toEqual(known);
  });

  it('refuses roles that name another pool than the target in a region', () => {
    const known = { [PRIMARY]: 'us-east-1_Dev', [BACKUP]: undefined };
    expect(() => deploymentPools(known, { pools: OURS as Record<string, string> })).toThrow(
      /region roles name pool us-east-1_Prod in us-east-1, the target's pool there is us-east-1_Dev/,
    );
  });
});
