// Lambda handler of the primary pool's PreSignUp trigger: the public signs up only while the primary is active.
import { envReader, tableClient, thisRegionIsActive } from '@cognito-dr/shared';
import { onPreSignUp } from '../posture';

const env = envReader();

export const handler = onPreSignUp({ isActive: thisRegionIsActive(env, tableClient()) });
