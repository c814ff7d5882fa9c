// Step 2: every endpoint a region shows the world goes through that region's gate, so `PUT control.primary
// {"available":false}` takes the whole region away: from clients, from functions and from replication.
import { httpAnswers, waitFor } from '../../lib/wait-for';
import {
  BACKUP_REGION,
  PRIMARY_REGION,
  READY_TIMEOUT_MS,
  type StepContext,
  started,
  tsx,
  url,
} from './context';

export interface RegionGates {
  /** The outage switch of each region. */
  control: { primary: string; backup: string };
  /** Each region's DynamoDB endpoint, as clients and functions of that region reach it. */
  dynamodb: Record<string, string>;
}

export const startRegionGates = async (ctx: StepContext): Promise<RegionGates> => {
  const { ports } = ctx;
  const gates = ctx.supervisor.start(
    tsx(ctx, 'region-outage-standin', 'local/standins/region-outage/main.ts', {
      CONTROL_PORT: String(ports.regionControl),
      GATES: JSON.stringify({
        primary: {
          cognito: [ports.cognitoPrimary, ports.cloudTrailPrimary],
          dynamodb: [ports.dynamodbPrimary, ports.dynamodb],
          api: [ports.api, ports.primaryHttp],
        },
        backup: {
          cognito: [ports.cognitoBackup, ports.cloudTrailBackup],
          dynamodb: [ports.dynamodbBackup, ports.dynamodb],
        },
      }),
    }),
  );
  const control = {
    primary: `${url(ports.regionControl)}/primary`,
    backup: `${url(ports.regionControl)}/backup`,
  };
  await waitFor(() => httpAnswers(control.primary), {
    what: 'region outage stand-in',
    timeoutMs: READY_TIMEOUT_MS,
    ...started(ctx, gates),
  });
  return {
    control,
    dynamodb: { [PRIMARY_REGION]: url(ports.dynamodbPrimary), [BACKUP_REGION]: url(ports.dynamodbBackup) },
  };
};
