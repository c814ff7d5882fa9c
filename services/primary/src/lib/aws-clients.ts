// AWS clients of the primary service, built once per cold start. No endpoint is passed: the SDK's own
// AWS_ENDPOINT_URL_* variables point them at emulators, so the same code runs in AWS and locally.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Cognito invokes triggers with a 5 s budget: retry briefly, never past it. */
const TRIGGER_SAFE = { maxAttempts: 3, retryMode: 'adaptive' as const };

export const cognitoClient = (): CognitoIdentityProviderClient =>
  new CognitoIdentityProviderClient(TRIGGER_SAFE);

export const tableClient = (): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient(TRIGGER_SAFE), {
    marshallOptions: { removeUndefinedValues: true },
  });
