// LOCAL ONLY: keeps the functions a sign-up runs warm before the stack reports ready, as Lambda keeps the
// instances a pool's traffic has used. serverless offline runs each concurrent invocation of a function in a
// worker thread of its own, started on first use and loading the whole bundle (about 0.3 CPU-seconds each): the
// first burst after `npm start` paid one per concurrent trigger call, on two shared cores, while it was being
// measured. Here each function is invoked `instances` times at once, which leaves that many idle workers (kept
// until 900 s idle, --terminateIdleLambdaTime, as Lambda reclaims idle instances after minutes).
//
// The trigger events are Cognito's own shapes for a user no pool can hold (a username with a space, which Cognito
// refuses), so every trigger only decides or reads: PreSignUp and CustomMessage answer, PostConfirmation finds
// neither user nor record and stores nothing, PostAuthentication finds no record to complete, PreAuthentication
// only reads the roles, UserMigration finds nobody to migrate. The stream consumers get an empty batch, the
// CloudTrail capture a call in another pool. A function that refuses (a standby pool's trigger) is as warm as one
// that answers; a transport failure (serverless offline not serving the function) fails the step.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/** The username every warm-up event names: Cognito refuses usernames with white space. */
export const WARM_UP_USERNAME = 'cognito-dr warm-up';

export type PoolTrigger =
  | 'PreSignUp'
  | 'CustomMessage'
  | 'PostConfirmation'
  | 'PostAuthentication'
  | 'PreAuthentication'
  | 'UserMigration';

export interface PoolCoordinates {
  region: string;
  userPoolId: string;
  /** The app client the events name (the replicator's, for the backup pool's sign-ups). */
  clientId: string;
}

/** One function to keep warm: how many instances, and the event each of them is invoked with. */
export interface WarmTarget {
  functionName: string;
  instances: number;
  event: Record<string, unknown>;
}

/** What Cognito sends each trigger, for WARM_UP_USERNAME signing up through `clientId` (aws-lambda's shapes). */
export const triggerEvent = (pool: PoolCoordinates, trigger: PoolTrigger): Record<string, unknown> => {
  const base = {
    version: '1',
    region: pool.region,
    userPoolId: pool.userPoolId,
    userName: WARM_UP_USERNAME,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: pool.clientId },
  };
  const userAttributes = { email: 'warm-up@example.invalid' };
  switch (trigger) {
    case 'PreSignUp':
      return {
        ...base,
        triggerSource: 'PreSignUp_SignUp',
        request: { userAttributes, validationData: {}, clientMetadata: {} },
        response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
      };
    case 'CustomMessage':
      return {
        ...base,
        triggerSource: 'CustomMessage_SignUp',
        request: { userAttributes, codeParameter: '{####}', usernameParameter: null },
        response: { smsMessage: null, emailMessage: null, emailSubject: null },
      };
    case 'PostConfirmation':
      return {
        ...base,
        triggerSource: 'PostConfirmation_ConfirmSignUp',
        request: { userAttributes: { ...userAttributes, 'cognito:user_status': 'CONFIRMED' } },
        response: {},
      };
    case 'PostAuthentication':
      return {
        ...base,
        triggerSource: 'PostAuthentication_Authentication',
        request: { userAttributes, newDeviceUsed: false },
        response: {},
      };
    case 'PreAuthentication':
      return {
        ...base,
        triggerSource: 'PreAuthentication_Authentication',
        request: { userAttributes, validationData: {} },
        response: {},
      };
    case 'UserMigration':
      return {
        ...base,
        triggerSource: 'UserMigration_Authentication',
        request: { password: 'not-a-password', validationData: {}, clientMetadata: {} },
        response: {},
      };
  }
};

/** A stream batch with nothing in it: the consumer starts, applies nothing, writes nothing. */
export const emptyStreamBatch = (): Record<string, unknown> => ({ Records: [] });

/** CloudTrail's record of a call in another pool of the region, which the out-of-band capture ignores. */
export const otherPoolApiCall = (region: string): Record<string, unknown> => ({
  version: '0',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.cognito-idp',
  region,
  detail: {
    eventSource: 'cognito-idp.amazonaws.com',
    eventName: 'AdminEnableUser',
    awsRegion: region,
    requestParameters: { userPoolId: `${region}_warmUpNoPool`, username: WARM_UP_USERNAME },
    responseElements: null,
    eventType: 'AwsApiCall',
    readOnly: false,
  },
});

/** Invokes each target `instances` times at once; resolves once every call has answered. */
export const warmFunctions = async (
  lambda: Pick<LambdaClient, 'send'>,
  targets: WarmTarget[],
): Promise<{ functions: number; instances: number }> => {
  const calls = targets.flatMap((target) => {
    const Payload = Buffer.from(JSON.stringify(target.event));
    return Array.from({ length: target.instances }, () => ({ FunctionName: target.functionName, Payload }));
  });
  await Promise.all(
    calls.map(async (call) => {
      const answer = await lambda.send(new InvokeCommand(call));
      if (answer.StatusCode !== 200)
        throw new Error(`warming ${call.FunctionName}: Lambda answered ${answer.StatusCode}`);
    }),
  );
  return { functions: targets.length, instances: calls.length };
};

/**
 * How wide the warm-up is: `burst` warms each function of the sign-up path as many times as a burst calls it at
 * once (npm start, the bench); `single` once each, for stacks whose callers go one at a time (the end-to-end
 * suites), which spares a shared machine dozens of workers per stack.
 */
export type WarmWidth = 'burst' | 'single';
export const WARM_WIDTHS: readonly WarmWidth[] = ['burst', 'single'];

/**
 * What a stack keeps warm in a region, named by `functionName` (the service's function key): each function of the
 * sign-up path as many times as it is called at once (`burst`), or once (`single`).
 */
export const warmUpTargets = (
  side: 'primary' | 'backup',
  pool: PoolCoordinates,
  functionName: (key: string) => string,
  width: WarmWidth = 'burst',
): WarmTarget[] => {
  const trigger = (name: PoolTrigger, atOnce: number): WarmTarget => ({
    functionName: functionName(`on${name}`),
    instances: width === 'burst' ? atOnce : 1,
    event: triggerEvent(pool, name),
  });
  const shared: WarmTarget[] = [
    // One batch per shard at a time (parallelizationFactor 1); the local table has one shard.
    { functionName: functionName('onUserRecordChange'), instances: 1, event: emptyStreamBatch() },
    // The CloudTrail stand-in hands over two events at a time.
    {
      functionName: functionName('onCognitoApiCall'),
      instances: width === 'burst' ? 2 : 1,
      event: otherPoolApiCall(pool.region),
    },
  ];
  return side === 'primary'
    ? [
        // Sign-ups the application makes at once (the bench's bursts: 8 and 16).
        trigger('PreSignUp', SIGN_UPS_AT_ONCE),
        trigger('CustomMessage', SIGN_UPS_AT_ONCE),
        trigger('PostConfirmation', SIGN_UPS_AT_ONCE),
        trigger('PreAuthentication', 2),
        trigger('PostAuthentication', 2),
        trigger('UserMigration', 2),
        ...shared,
      ]
    : [
        // The replica's SignUps at once: paced at UserCreation's 50 a second, each held by both triggers.
        trigger('PreSignUp', REPLICA_SIGN_UPS_AT_ONCE),
        trigger('PostConfirmation', REPLICA_SIGN_UPS_AT_ONCE),
        trigger('CustomMessage', 2),
        // The primary's migration checks, one per sign-in of a user migrating in.
        trigger('PreAuthentication', 2),
        ...shared,
      ];
};

const SIGN_UPS_AT_ONCE = 8;
const REPLICA_SIGN_UPS_AT_ONCE = 8;
