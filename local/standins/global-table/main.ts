// LOCAL ONLY: stands in for DynamoDB global table replication between the local stack's two "regions" of one
// DynamoDB Local. It tails each region's table stream and copies every change to the other region, optionally
// after an injected delay to simulate distance. AWS does this itself for a real AWS::DynamoDB::GlobalTable.
// Like a global table, it does not send a copied change back where it came from (echo-filter.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type _Record, DescribeStreamCommand, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { fileCheckpointStore } from '../../lib/checkpoint-store';
import { localClientConfig, requireEnv } from '../../lib/local-aws';
import { StreamTailer } from '../../lib/stream-tailer';
import { latestStreamArn } from '../../lib/streams';
import { EchoFilter } from './echo-filter';
import { type ReplicaTarget, replicateRecord } from './replicate-record';

/** REGION_ENDPOINTS: {"us-east-1": "http://127.0.0.1:8001", ...}, each region's own (gated) DynamoDB endpoint. */
const endpoints = JSON.parse(requireEnv('REGION_ENDPOINTS')) as Record<string, string>;
const endpointOf = (region: string): string => {
  const endpoint = endpoints[region];
  if (!endpoint) throw new Error(`REGION_ENDPOINTS has no endpoint for ${region}`);
  return endpoint;
};
const tableNames = requireEnv('TABLE_NAMES').split(',');
const regions = Object.keys(endpoints);
const checkpointFile = requireEnv('CHECKPOINT_FILE');
const delayMs = Number(process.env.REPLICATION_DELAY_MS ?? '0');
const idleMs = Number(process.env.POLL_IDLE_MS ?? '25');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const main = async () => {
  const checkpoints = fileCheckpointStore(checkpointFile);
  const tailers: StreamTailer[] = [];
  for (const tableName of tableNames) {
    // Per table: items of different tables may share a key.
    const echoes = new EchoFilter('updatedAt');
    for (const source of regions) {
      const streams = new DynamoDBStreamsClient(localClientConfig(source, endpointOf(source)));
      const streamArn = await latestStreamArn(
        new DynamoDBClient(localClientConfig(source, endpointOf(source))),
        tableName,
      );
      await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      const targets: Array<ReplicaTarget & { region: string }> = regions
        .filter((r) => r !== source)
        .map((region) => ({
          region,
          client: new DynamoDBClient(localClientConfig(region, endpointOf(region))),
          tableName,
          updatedAtAttribute: 'updatedAt',
        }));
      const onRecords = async (records: _Record[]) => {
        if (delayMs > 0) await sleep(delayMs);
        for (const record of records) {
          if (echoes.isEcho(source, record)) continue;
          for (const target of targets) {
            const outcome = await replicateRecord(target, record);
            if (outcome === 'copied' || outcome === 'deleted') echoes.copied(target.region, record);
            if (outcome !== 'already-equal') {
              process.stdout.write(`${source} -> ${target.region} ${record.eventName} ${outcome}\n`);
            }
          }
        }
      };
      const tailer = new StreamTailer({
        streams,
        streamArn,
        checkpoints,
        batchSize: 100,
        idleMs,
        onRecords,
        onError: (error) =>
          process.stderr.write(`replication from ${source} failed, retrying: ${String(error)}\n`),
      });
      tailer.start();
      tailers.push(tailer);
    }
  }
  process.stdout.write(
    `global table stand-in replicating ${tableNames.join(', ')} between ${regions.join(', ')}\n`,
  );
  const stop = async () => {
    await Promise.all(tailers.map((t) => t.stop()));
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
};

main().catch((error) => {
  process.stderr.write(`global table stand-in failed: ${String(error)}\n`);
  process.exit(1);
});
