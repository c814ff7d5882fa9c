// Step 4: the CloudTrail + EventBridge stand-in, one per region: every successful user-changing call reaching a
// pool is reported to that region's out-of-band capture function, as the EventBridge rule does in AWS.
import { LOCAL_CREDENTIALS } from '../../lib/local-aws';
import type { Supervised } from '../../lib/supervisor';
import { httpAnswers, waitFor } from '../../lib/wait-for';
import {
  BACKUP_REGION,
  PRIMARY_REGION,
  READY_TIMEOUT_MS,
  type StepContext,
  serverlessFunctionName,
  started,
  tsx,
  url,
} from './context';

export interface CloudTrails {
  /** Each stand-in's control endpoint (`{"recording": false}` loses events). */
  primary: string;
  backup: string;
}

export const startCloudTrail = async (ctx: StepContext): Promise<CloudTrails> => {
  const { ports } = ctx;
  const standin = (
    name: string,
    region: string,
    emulatorPort: number,
    port: number,
    service: string,
    lambdaPort: number,
  ) =>
    ctx.supervisor.start(
      tsx(ctx, name, 'local/standins/cloudtrail/main.ts', {
        CLOUDTRAIL_TARGET: url(emulatorPort),
        CLOUDTRAIL_PORT: String(port),
        REGION: region,
        FUNCTION_NAME: serverlessFunctionName(service, 'onCognitoApiCall'),
        LAMBDA_ENDPOINT: url(lambdaPort),
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      }),
    );
  const children: [number, Supervised][] = [
    [
      ports.cloudTrailPrimary,
      standin(
        'cloudtrail-standin',
        PRIMARY_REGION,
        ports.cognitoPrimaryEmulator,
        ports.cloudTrailPrimary,
        'cognito-dr-primary',
        ports.primaryLambda,
      ),
    ],
    [
      ports.cloudTrailBackup,
      standin(
        'cloudtrail-standin-backup',
        BACKUP_REGION,
        ports.cognitoBackupEmulator,
        ports.cloudTrailBackup,
        'cognito-dr-replica',
        ports.replicaLambda,
      ),
    ],
  ];
  await Promise.all(
    children.map(([port, child]) =>
      waitFor(() => httpAnswers(`${url(port)}/__cloudtrail`), {
        what: 'CloudTrail stand-in',
        timeoutMs: READY_TIMEOUT_MS,
        ...started(ctx, child),
      }),
    ),
  );
  return {
    primary: `${url(ports.cloudTrailPrimary)}/__cloudtrail`,
    backup: `${url(ports.cloudTrailBackup)}/__cloudtrail`,
  };
};
