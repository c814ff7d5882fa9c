// Lambda handler of the EventBridge rule on CloudTrail-recorded Cognito calls, the same in both regions: each
// service's function file re-exports it, and its serverless.yml sets the environment and the rule.
import {
  cognitoClient,
  envReader,
  lambdaHandler,
  notePoolSub,
  tableClient,
  thisRegionIsActive,
  usernameOfPoolSub,
} from '@cognito-dr/shared';
import { type ApiCallOutcome, onCognitoApiCall } from '../capture-api-call';

// Event logging stays off (the factory never logs events): CloudTrail events can hold attribute values Cognito did
// not redact.
export const handler = lambdaHandler<unknown, ApiCallOutcome>(
  ({ logger, metrics }) => {
    const env = envReader();
    const region = env.required('AWS_REGION');
    // Adaptive retry paces the sub lookups (ListUsers, 30 rps per pool) when a burst of events arrives.
    const clientOptions = { region, maxAttempts: 5 };
    const table = tableClient(clientOptions);
    const state = { table, tableName: env.required('STATE_TABLE_NAME') };
    return onCognitoApiCall(
      {
        cognito: cognitoClient(clientOptions),
        table,
        userPoolId: env.required('USER_POOL_ID'),
        tableName: env.required('TABLE_NAME'),
        origin: region,
        region,
        now: Date.now,
        isActive: thisRegionIsActive(env, table),
        notePoolSub: (sub, username) => notePoolSub(state, sub, username),
        usernameOfPoolSub: (sub) => usernameOfPoolSub(state, sub),
      },
      logger,
      metrics,
    );
  },
  { logsUsers: true },
);
