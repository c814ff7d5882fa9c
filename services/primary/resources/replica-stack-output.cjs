// Reads one output of the replica stack (backup region) for the primary's deploy: the values that flow from the
// replica back to the primary, which compose cannot pass without a cycle (the replica is deployed after this stack,
// because it needs the replication table to exist). Each is read, in this order, from:
//   1. `--param <paramName>=...` (offline packaging, or pinning it by hand);
//   2. nothing on stage `local`, where the local stack passes the value through the environment;
//   3. the replica stack's output, in the backup region;
//   4. '' when that stack does not exist yet: the first install deploys twice (docs/deploy.md), and until the
//      second run the features that need the value say so instead of failing.
'use strict';

module.exports =
  (outputKey, paramName) =>
  async ({ resolveVariable }) => {
    const pinned = await resolveVariable(`param:${paramName}, null`);
    if (pinned) return pinned;
    const stage = await resolveVariable('sls:stage');
    if (stage === 'local') return '';
    const backupRegion = await resolveVariable('param:backupRegion');
    const stack = `cognito-dr-replica-${stage}`;
    try {
      return (await resolveVariable(`cf(${backupRegion}):${stack}.${outputKey}, null`)) || '';
    } catch (error) {
      throw new Error(
        `cannot read ${stack}'s ${outputKey} in ${backupRegion} (${error.message}); without AWS access, ` +
          `pass --param ${paramName}=<value or placeholder>, as scripts/package-prod.sh does`,
      );
    }
  };
