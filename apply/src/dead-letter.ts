// Where permanently failing stream records are parked (SQS in AWS, a JSON-lines file locally) for inspection and redrive.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * One parked record. Enough to find it and redrive it (re-reading the table converges to the current snapshot);
 * never the record's attribute values, and never an error's message (Cognito's can echo submitted values): its
 * name, and for a malformed record the field at fault.
 */
export interface DeadLetterEntry {
  /** Tells these entries apart from the event source mapping's on-failure records, which may share the queue. */
  kind: 'cognito-dr/parked-record';
  username?: string;
  userRef?: string;
  sequenceNumber?: string;
  eventId?: string;
  eventName?: string;
  eventSourceArn?: string;
  errorName: string;
  /** The field a RecordFormatError names (a field name, never its value). */
  errorField?: string;
  parkedAt: string;
}

export interface DeadLetterSink {
  park(entry: DeadLetterEntry): Promise<void>;
}

export function sqsDeadLetterSink(sqs: SQSClient, queueUrl: string): DeadLetterSink {
  return {
    async park(entry) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(entry) }));
    },
  };
}

export function fileDeadLetterSink(path: string): DeadLetterSink {
  return {
    async park(entry) {
      await mkdir(dirname(path), { recursive: true });
      // One write per line keeps concurrent appends from interleaving within an entry. Entries name users: the
      // file is its owner's alone.
      await appendFile(path, `${JSON.stringify(entry)}\n`, { encoding: 'utf8', mode: 0o600 });
    },
  };
}

/** No sink configured: parking fails, so the record is reported and left to the stream's own retry/destination. */
export class DeadLetterUnavailableError extends Error {
  override readonly name = 'DeadLetterUnavailableError';

  constructor() {
    super('no dead-letter sink configured (DEAD_LETTER_QUEUE_URL or DEAD_LETTER_FILE)');
  }
}

export const noDeadLetterSink: DeadLetterSink = {
  async park() {
    throw new DeadLetterUnavailableError();
  },
};
