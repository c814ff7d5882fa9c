// Lambda handler of the CustomMessage trigger, the same in both pools: a standby pool sends nobody anything.
import { envReader, lambdaHandler, tableClient, thisRegionIsActive } from '@cognito-dr/shared';
import type { CustomMessageTriggerEvent } from 'aws-lambda';
import { onCustomMessage } from '../posture';

export const handler = lambdaHandler<CustomMessageTriggerEvent, CustomMessageTriggerEvent>(() =>
  onCustomMessage({ isActive: thisRegionIsActive(envReader(), tableClient()) }),
);
