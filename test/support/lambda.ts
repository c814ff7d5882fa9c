// Invokes the stack's functions through serverless-offline's Lambda endpoints, as AWS services invoke them.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { stack } from './stack';

const clientFor = (endpoint: string) =>
  new LambdaClient({
    region: stack.primary.region,
    endpoint,
    credentials: stack.credentials,
    maxAttempts: 1,
  });

const primaryLambda = clientFor(stack.lambda.primaryEndpoint);
const replicaLambda = clientFor(stack.lambda.replicaEndpoint);

const invoke = async (client: LambdaClient, functionName: string, event: unknown): Promise<unknown> => {
  const response = await client.send(
    new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }),
  );
  const payload = response.Payload
    ? JSON.parse(Buffer.from(response.Payload).toString('utf8') || 'null')
    : null;
  if (response.FunctionError) throw new Error(`${functionName} failed: ${JSON.stringify(payload)}`);
  return payload;
};

export const invokePostConfirmation = (event: unknown) =>
  invoke(primaryLambda, stack.lambda.functions.onPostConfirmation, event);
export const invokeApiCallCapture = (event: unknown) =>
  invoke(primaryLambda, stack.lambda.functions.onCognitoApiCall, event);
export const invokeReplica = (event: unknown) =>
  invoke(replicaLambda, stack.lambda.functions.onUserRecordChange, event);
