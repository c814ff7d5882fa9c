import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileDeadLetterSource, sqsDeadLetterSource } from './dead-letter-source';

describe('fileDeadLetterSource', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dead-letters-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every line of every file, and rewrites them without the lines removed, keeping new ones', async () => {
    const parked = join(dir, 'parked.jsonl');
    const batches = join(dir, 'batches.jsonl');
    writeFileSync(parked, '{"a":1}\n{"b":2}\n');
    writeFileSync(batches, '{"c":3}\n');
    const source = fileDeadLetterSource([parked, batches, join(dir, 'missing.jsonl')]);
    const messages = await source.read();
    expect(messages.map((m) => m.body)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    // Appended after the read: must survive the rewrite.
    appendFileSync(parked, '{"d":4}\n');
    await source.remove([messages[0]?.id ?? '', messages[2]?.id ?? '']);
    expect(readFileSync(parked, 'utf8')).toBe('{"b":2}\n{"d":4}\n');
    expect(readFileSync(batches, 'utf8')).toBe('');
    expect(statSync(parked).mode & 0o777).toBe(0o600);
  });
});

describe('sqsDeadLetterSource', () => {
  const queue = (bodies: string[]) => {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    let next = 0;
    const sqs = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        if (command.constructor.name === 'ReceiveMessageCommand') {
          const batch = bodies.slice(next, next + 2).map((body, i) => ({
            MessageId: `id-${next + i}`,
            ReceiptHandle: `rh-${next + i}`,
            Body: body,
          }));
          next += batch.length;
          return { Messages: batch };
        }
        return { Failed: [] };
      },
    };
    return { sqs: sqs as never, sent };
  };

  it('receives until the queue is empty, claiming the messages, and deletes by receipt handle', async () => {
    const { sqs, sent } = queue(['a', 'b', 'c']);
    const source = sqsDeadLetterSource(sqs, 'https://sqs/q', { dryRun: false });
    const messages = await source.read();
    expect(messages).toEqual([
      { id: 'id-0', body: 'a' },
      { id: 'id-1', body: 'b' },
      { id: 'id-2', body: 'c' },
    ]);
    expect(sent[0]?.input).toMatchObject({ VisibilityTimeout: 900, MaxNumberOfMessages: 10 });
    await source.remove(['id-0', 'id-2']);
    expect(sent.at(-1)).toEqual({
      name: 'DeleteMessageBatchCommand',
      input: {
        QueueUrl: 'https://sqs/q',
        Entries: [
          { Id: '0', ReceiptHandle: 'rh-0' },
          { Id: '1', ReceiptHandle: 'rh-2' },
        ],
      },
    });
  });

  it('looks without claiming on a dry run', async () => {
    const { sqs, sent } = queue(['a']);
    await sqsDeadLetterSource(sqs, 'https://sqs/q', { dryRun: true }).read();
    expect(sent.every((call) => call.input.VisibilityTimeout === 0)).toBe(true);
  });
});
