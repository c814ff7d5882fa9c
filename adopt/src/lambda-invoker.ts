// Calls the pool's own trigger function through Lambda's synchronous Invoke, as Cognito would have, and gives up at
// the deadline the composed trigger hands it. Loaded lazily by the trigger: it imports only the Lambda client (the
// runtime's) and the error classes, since a lazily loaded module's imports are bundled whole.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { InvokeTheirs } from './compose-trigger';
import { TheirTriggerError, TheirTriggerTimeoutError } from './their-trigger-errors';

/** Reads a Lambda answer: the payload, or their error (its own message) when the function failed. */
export function theirAnswer(functionError: string | undefined, payload: string): unknown {
  if (functionError) {
    let message = functionError;
    try {
      const body = JSON.parse(payload) as { errorMessage?: unknown };
      if (typeof body.errorMessage === 'string') message = body.errorMessage;
    } catch {
      // Not JSON: Lambda's own failure (out of memory, timeout), named by functionError.
    }
    throw new TheirTriggerError(message);
  }
  return payload === '' ? null : JSON.parse(payload);
}

/** Whether an error is the abort of an invocation at its deadline. */
const isDeadline = (error: unknown) => {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
};

export const lambdaInvoker =
  (lambda: Pick<LambdaClient, 'send'>): InvokeTheirs =>
  async (functionArn, event, timeoutMs) => {
    try {
      const { FunctionError, Payload } = await lambda.send(
        new InvokeCommand({
          FunctionName: functionArn,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      );
      return theirAnswer(FunctionError, Payload ? new TextDecoder().decode(Payload) : '');
    } catch (error) {
      if (isDeadline(error)) {
        throw new TheirTriggerTimeoutError(`the pool's own trigger did not answer within ${timeoutMs} ms`);
      }
      throw error;
    }
  };

/** The invoker a trigger uses: one quick try, since a retry would only eat into the same 5 s. */
export const theirTriggerInvoker = (): InvokeTheirs => lambdaInvoker(new LambdaClient({ maxAttempts: 1 }));
