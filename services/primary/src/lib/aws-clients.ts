// AWS clients of the primary service, built once per cold start. No endpoint is passed: the SDK's own
// AWS_ENDPOINT_URL_* variables point them at emulators, so the same code runs in AWS and locally.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Adaptive retry backs off with jitter and paces calls when Cognito or DynamoDB throttle. */
export interface ClientOptions {
  maxAttempts: number;
  region?: string;
}

/** Cognito invokes triggers with a 5 s budget: retry briefly, never past it. */
const TRIGGER_SAFE: ClientOptions = { maxAttempts: 3 };

const configOf = (options: ClientOptions) => ({ ...options, retryMode: 'adaptive' as const });

export const cognitoClient = (options: ClientOptions = TRIGGER_SAFE): CognitoIdentityProviderClient =>
  new CognitoIdentityProviderClient(configOf(options));

export const tableClient = (options: ClientOptions = TRIGGER_SAFE): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient(configOf(options)), {
    marshallOptions: { removeUndefinedValues: true },
  });
