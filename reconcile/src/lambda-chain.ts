// What a scheduled-run Lambda needs around onScheduledRun: starting its own next invocation, and publishing its
// metrics whatever happens.
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/** Invokes the function itself asynchronously: the continuation picks the run up from the state table. */
export const invokeItself = (lambda: LambdaClient, functionName: string) => async (): Promise<void> => {
  await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify({ continuation: true })),
    }),
  );
};

/** The handler: the run, then its metrics flushed even when it threw. */
export const publishingMetrics =
  <E, C, R>(run: (event: E, context: C) => Promise<R>, metrics: Pick<Metrics, 'publishStoredMetrics'>) =>
  async (event: E, context: C): Promise<R> => {
    try {
      return await run(event, context);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
