// Step 7: before ready, the first burst must find the sign-up path's functions warm (warm-functions.ts). Dozens of
// workers start at once, which on a loaded machine takes longer than the usual 10 s request timeout.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { localClientConfig } from '../../lib/local-aws';
import type { LocalPool } from '../provision-pools';
import { REPLICATOR_CLIENT_NAME } from '../shapes';
import { warmFunctions, warmUpTargets } from '../warm-functions';
import { BACKUP_REGION, PRIMARY_REGION, type StepContext, serverlessFunctionName, url } from './context';

export const warmTheFunctions = async (
  ctx: StepContext,
  pools: { primaryPool: LocalPool; backupPool: LocalPool },
): Promise<void> => {
  const { ports } = ctx;
  const lambdaAt = (region: string, endpoint: string) =>
    new LambdaClient({
      ...localClientConfig(region, endpoint),
      requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: 120_000 }),
    });
  const warmed = await Promise.all([
    warmFunctions(
      lambdaAt(PRIMARY_REGION, url(ports.primaryLambda)),
      warmUpTargets(
        'primary',
        {
          region: PRIMARY_REGION,
          userPoolId: pools.primaryPool.userPoolId,
          clientId: pools.primaryPool.clientId,
        },
        (key) => serverlessFunctionName('cognito-dr-primary', key),
        ctx.opts.warm,
      ),
    ),
    warmFunctions(
      lambdaAt(BACKUP_REGION, url(ports.replicaLambda)),
      warmUpTargets(
        'backup',
        {
          region: BACKUP_REGION,
          userPoolId: pools.backupPool.userPoolId,
          clientId: pools.backupPool.clientIds[REPLICATOR_CLIENT_NAME] as string,
        },
        (key) => serverlessFunctionName('cognito-dr-replica', key),
        ctx.opts.warm,
      ),
    ),
  ]);
  ctx.opts.progress(`warm: ${warmed.reduce((sum, side) => sum + side.instances, 0)} function instances`);
};
