// Reads and deletes dead-letter messages for a redrive: the SQS queue in AWS, the local stack's JSON-lines files.
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterMessage, DeadLetterSource } from './redrive';

/** Long enough for a redrive to re-apply what it received; messages it could not handle come back after it. */
const CLAIM_SECONDS = 15 * 60;
/** A dry run looks without claiming: messages stay visible, so it stops once receives bring nothing new. */
const DRY_RUN_EMPTY_RECEIVES = 3;

export function sqsDeadLetterSource(
  sqs: Pick<SQSClient, 'send'>,
  queueUrl: string,
  options: { dryRun: boolean },
): DeadLetterSource {
  const receipts = new Map<string, string>();
  return {
    async read() {
      const messages: DeadLetterMessage[] = [];
      let fruitless = 0;
      while (fruitless < (options.dryRun ? DRY_RUN_EMPTY_RECEIVES : 1)) {
        const { Messages } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            VisibilityTimeout: options.dryRun ? 0 : CLAIM_SECONDS,
          }),
        );
        let fresh = 0;
        for (const message of Messages ?? []) {
          if (!message.MessageId || !message.ReceiptHandle || receipts.has(message.MessageId)) continue;
          receipts.set(message.MessageId, message.ReceiptHandle);
          messages.push({ id: message.MessageId, body: message.Body ?? '' });
          fresh += 1;
        }
        fruitless = fresh === 0 ? fruitless + 1 : 0;
      }
      return messages;
    },
    async remove(ids) {
      for (let start = 0; start < ids.length; start += 10) {
        const chunk = ids.slice(start, start + 10);
        const { Failed } = await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((id, i) => ({ Id: String(i), ReceiptHandle: receipts.get(id) ?? '' })),
          }),
        );
        if (Failed && Failed.length > 0) {
          throw new Error(`${Failed.length} dead-letter messages could not be deleted: ${Failed[0]?.Code}`);
        }
      }
    },
  };
}

/**
 * The local stack's dead-letter files, one JSON entry a line. Removing rewrites each file without the lines
 * handled (matched by content, read again just before, so entries appended meanwhile are kept), atomically.
 */
export function fileDeadLetterSource(paths: string[]): DeadLetterSource {
  const linesOf = (path: string): string[] => {
    try {
      return readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  };
  const read = new Map<string, { path: string; line: string }>();
  return {
    async read() {
      const messages: DeadLetterMessage[] = [];
      for (const path of paths) {
        linesOf(path).forEach((line, index) => {
          const id = `${path}:${index + 1}`;
          read.set(id, { path, line });
          messages.push({ id, body: line });
        });
      }
      return messages;
    },
    async remove(ids) {
      for (const path of paths) {
        const gone = ids.map((id) => read.get(id)).filter((entry) => entry?.path === path);
        if (gone.length === 0) continue;
        const remaining = linesOf(path);
        for (const entry of gone) {
          const at = remaining.indexOf(entry?.line ?? '');
          if (at >= 0) remaining.splice(at, 1);
        }
        const temporary = `${path}.tmp`;
        writeFileSync(temporary, remaining.map((line) => `${line}\n`).join(''), { mode: 0o600 });
        chmodSync(temporary, 0o600);
        renameSync(temporary, path);
      }
    },
  };
}
