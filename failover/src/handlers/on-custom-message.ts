// Lambda handler of the CustomMessage trigger, the same in both pools: a standby pool sends nobody anything.
import { envReader, tableClient, thisRegionIsActive } from '@cognito-dr/shared';
import { onCustomMessage } from '../posture';

const env = envReader();

export const handler = onCustomMessage({ isActive: thisRegionIsActive(env, tableClient()) });
