import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { type DeadLetterEntry, fileDeadLetterSink, noDeadLetterSink, sqsDeadLetterSink } from './dead-letter';

const entry = (n: number): DeadLetterEntry => ({
  kind: 'cognito-dr/parked-record',
  username: 'alice.smith',
  sequenceNumber: String(n),
  eventId: `event-${n}`,
  errorName: 'RecordFormatError',
  errorField: 'status',
  parkedAt: '2026-01-15T12:00:00.000Z',
});

describe('dead-letter sinks', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parked-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('appends one JSON line per entry to the file, creating its folder', async () => {
    const path = join(dir, 'nested', 'parked.jsonl');
    const sink = fileDeadLetterSink(path);
    await Promise.all([sink.park(entry(1)), sink.park(entry(2))]);
    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.sequenceNumber).sort()).toEqual(['1', '2']);
  });

  it('sends the entry as the SQS message body', async () => {
    const sent: { constructor: { name: string }; input: unknown }[] = [];
    const sqs = {
      send: async (command: (typeof sent)[number]) => sent.push(command),
    } as unknown as SQSClient;
    await sqsDeadLetterSink(sqs, 'https://sqs/q').park(entry(3));
    expect(sent[0]?.constructor.name).toBe('SendMessageCommand');
    expect(sent[0]?.input).toEqual({ QueueUrl: 'https://sqs/q', MessageBody: JSON.stringify(entry(3)) });
  });

  it('fails to park without a sink, so the caller reports the record instead', async () => {
    await expect(noDeadLetterSink.park(entry(4))).rejects.toMatchObject({
      name: 'DeadLetterUnavailableError',
    });
  });
});
