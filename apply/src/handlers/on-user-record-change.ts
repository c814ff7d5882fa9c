// Lambda on the replication table's stream, the same in both regions: every changed user record of the active
// region converges this region's pool while it is standby (region roles). Each service's function file re-exports
// it, and its serverless.yml sets the environment and the stream's filter.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  errorName,
  getGroupRecord,
  getRecords,
  lambdaHandler,
  notePoolSub,
  rolesReader,
  sqsClient,
  systemClock,
  tableClient,
  userRef,
} from '@cognito-dr/shared';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { applyGroupChange } from '../apply-group';
import { type ApplyDeps, applyRecordChange } from '../apply-record';
import { CALL_MARGIN_MS, governedCognitoClient, REQUEST_TIMEOUT_MS } from '../call-governor';
import { readApplyConfig } from '../config';
import { type DeadLetterSink, fileDeadLetterSink, noDeadLetterSink, sqsDeadLetterSink } from '../dead-letter';
import { deletionBreaker } from '../deletion-breaker';
import { processStreamBatch } from '../process-stream-batch';
import { replicatorClient } from '../replicator-client';
import { advanceWatermark, batchWatermark } from '../watermark';

/** Written at most every few seconds: a failover only needs to know roughly where the stream was. */
const WATERMARK_EVERY_MS = 5_000;

// Stream images are user attributes: the factory never logs events.
export const handler = lambdaHandler<DynamoDBStreamEvent, DynamoDBBatchResponse>(
  ({ logger, metrics }) => {
    const config = readApplyConfig();

    /** When the current invocation must have returned (epoch ms); set as each invocation starts. */
    let deadline = Number.POSITIVE_INFINITY;

    // Cognito calls are paced per quota category and retried by the governor, which knows the deadline: whatever
    // still fails is reported back to the stream, never dropped. No `endpoint` is passed, so the SDK's own
    // AWS_ENDPOINT_URL_* variables point these clients at the local emulators.
    const { cognito, governor } = governedCognitoClient({
      region: config.region,
      quotaShare: config.quotaShare,
      cutoff: () => deadline - CALL_MARGIN_MS,
      clock: systemClock,
    });
    const clientConfig = { region: config.region, maxAttempts: 6, requestTimeoutMs: REQUEST_TIMEOUT_MS };

    const table = tableClient(clientConfig);
    // Where this consumer records how far it has got (a failover catches the pool up from there) and the own sub of each
    // user it creates; unset: neither is kept.
    const { stateTableName } = config;
    // Where the breaker counts this pool's deletions and keeps those it holds (the state table); unset: none is held.
    const breaker = stateTableName
      ? deletionBreaker({
          state: { table, tableName: stateTableName },
          pool: { cognito, userPoolId: config.userPoolId },
          settings: config.breaker,
          now: Date.now,
          onHeld: ({ username, version, count, threshold }) => {
            metrics.addMetric('DeletionsHeld', MetricUnit.Count, 1);
            logger.warn('deletion held by the breaker', {
              user: userRef(username),
              version,
              count,
              threshold,
            });
          },
        })
      : null;
    const roles = rolesReader({ table, ...config.roles });
    const applyDeps: ApplyDeps = {
      cognito,
      table,
      userPoolId: config.userPoolId,
      tableName: config.tableName,
      region: config.region,
      roles,
      freshRoles: roles.fresh,
      createMissing: config.createMissing,
      now: Date.now,
      notePoolSub: stateTableName
        ? (sub, username) => notePoolSub({ table, tableName: stateTableName }, sub, username)
        : undefined,
      groupRecord: (groupName) => getGroupRecord(table, config.tableName, groupName),
      breaker,
      ...(config.replicatorClientId
        ? { replicator: replicatorClient(cognito, config.userPoolId, config.replicatorClientId) }
        : {}),
    };

    const deadLetter: DeadLetterSink =
      config.deadLetter.kind === 'sqs'
        ? sqsDeadLetterSink(sqsClient(clientConfig), config.deadLetter.queueUrl)
        : config.deadLetter.kind === 'file'
          ? fileDeadLetterSink(config.deadLetter.path)
          : noDeadLetterSink;
    if (!breaker) logger.warn('no state table configured: deletions are not guarded by the deletion breaker');
    if (config.deadLetter.kind === 'none') {
      logger.warn(
        'no dead-letter sink configured: permanently failing records will block their shard until retries run out',
      );
    }

    let watermarkWritten = 0;

    return async (event, context) => {
      deadline = Date.now() + context.getRemainingTimeInMillis();
      const response = await processStreamBatch(event, {
        apply: (change, known) => applyRecordChange(applyDeps, change, known),
        applyGroup: (change) => applyGroupChange(applyDeps, change),
        readRecords: (usernames) => getRecords(applyDeps.table, applyDeps.tableName, usernames),
        deadLetter,
        logger,
        metrics,
        now: Date.now,
        timeLeftMs: () => deadline - Date.now(),
        pacing: () => governor.snapshot(),
      });
      const through = batchWatermark(event, response);
      if (stateTableName && through !== undefined && through >= watermarkWritten + WATERMARK_EVERY_MS) {
        // Never fails the batch: a stale watermark only makes a failover catch up from further back.
        await advanceWatermark({ table, tableName: stateTableName }, through, Date.now()).then(
          () => {
            watermarkWritten = through;
          },
          (error: unknown) => logger.warn('watermark not written', { errorName: errorName(error) }),
        );
      }
      return response;
    };
  },
  { logsUsers: true, coldStartMetric: true },
);
