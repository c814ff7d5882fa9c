// The one factory of AWS clients for every function and tool. No endpoint is set unless asked: the SDK's own
// AWS_ENDPOINT_URL_* variables point clients at emulators, so the same code runs in AWS and locally.
import {
  CognitoIdentityProviderClient,
  type CognitoIdentityProviderClientConfig,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Options shared by every client. Adaptive retry (the default here) backs off with jitter and paces calls when
 * the service throttles; callers with a budget of their own (a trigger's 5 s) lower maxAttempts, callers with a
 * retry policy of their own pass `retryStrategy`.
 */
export interface ClientOptions {
  maxAttempts: number;
  region?: string;
  /** Only for a second emulator locally, where AWS_ENDPOINT_URL_* already names the first. */
  endpoint?: string;
  retryStrategy?: CognitoIdentityProviderClientConfig['retryStrategy'];
  /** Only for the local stack's fixed credentials; everywhere else the SDK's own provider chain decides. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Gives up on a request that has not answered in this time (the SDK's default is to wait forever). */
  requestTimeoutMs?: number;
}

/** Cognito invokes triggers with a 5 s budget: retry briefly, never past it. */
export const TRIGGER_SAFE: ClientOptions = { maxAttempts: 3 };

const configOf = ({ endpoint, retryStrategy, requestTimeoutMs, ...options }: ClientOptions) => ({
  ...options,
  ...(endpoint ? { endpoint } : {}),
  ...(retryStrategy ? { retryStrategy } : { retryMode: 'adaptive' as const }),
  ...(requestTimeoutMs
    ? { requestHandler: { requestTimeout: requestTimeoutMs, connectionTimeout: requestTimeoutMs } }
    : {}),
});

export const cognitoClient = (options: ClientOptions = TRIGGER_SAFE): CognitoIdentityProviderClient =>
  new CognitoIdentityProviderClient(configOf(options));

export const tableClient = (options: ClientOptions = TRIGGER_SAFE): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient(configOf(options)), {
    marshallOptions: { removeUndefinedValues: true },
  });

export const sqsClient = (options: ClientOptions): SQSClient => new SQSClient(configOf(options));

export const secretsClient = (options: ClientOptions): SecretsManagerClient =>
  new SecretsManagerClient(configOf(options));
