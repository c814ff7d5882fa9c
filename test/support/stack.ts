// The running local stack as the tests see it: only through .local/stack.json's public contract, with plain SDK
// clients, exactly as a tool outside the repo would drive it.
import { readFileSync } from 'node:fs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StackInfo } from '@cognito-dr/shared';

const stackFile = process.env.COGNITO_DR_STACK_FILE;
if (!stackFile)
  throw new Error('COGNITO_DR_STACK_FILE is not set: run the e2e project through jest (global setup)');

export const stack: StackInfo = JSON.parse(readFileSync(stackFile, 'utf8'));

/** Plain SDK clients for both regions of `of`: each pool and each region's table. */
export const connect = (of: StackInfo) => {
  const cognitoIn = (r: StackInfo['primary']) =>
    new CognitoIdentityProviderClient({
      region: r.region,
      endpoint: r.cognitoEndpoint,
      credentials: of.credentials,
    });
  const tableIn = (r: StackInfo['primary']) =>
    DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: r.region, endpoint: r.dynamodbEndpoint, credentials: of.credentials }),
    );
  return {
    primaryPool: cognitoIn(of.primary),
    backupPool: cognitoIn(of.backup),
    primaryTable: tableIn(of.primary),
    backupTable: tableIn(of.backup),
  };
};

export const { primaryPool, backupPool, primaryTable, backupTable } = connect(stack);
