// LOCAL ONLY: the change history of one region's table, as DynamoDB's point-in-time recovery keeps it: every item
// image in the order the table's stream gave them, appended to a JSON-lines file, and the table's items as they were
// at any time since the history began. The first line holds when it began (the earliest restorable time).
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

export interface HistoryEntry {
  /** When the change was made (epoch ms). */
  at: number;
  key: Item;
  /** The item after the change; null for a deletion. */
  image: Item | null;
}

/** One item's identity: its key attributes in a fixed order. */
const identity = (key: Item) =>
  JSON.stringify(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The items of a table whose changes are `entries` (in stream order), as they were at `time`. */
export function itemsAt(entries: readonly HistoryEntry[], time: number): Item[] {
  const items = new Map<string, Item>();
  for (const entry of entries) {
    // Stream order is each item's change order; times of different items need not grow along it.
    if (entry.at > time) continue;
    if (entry.image) items.set(identity(entry.key), entry.image);
    else items.delete(identity(entry.key));
  }
  return [...items.values()];
}

export class History {
  private readonly entries: HistoryEntry[] = [];
  readonly since: number;

  /** Opens `file`, or starts it at `now` when there is none yet. */
  constructor(
    private readonly file: string,
    now: number,
  ) {
    if (existsSync(file)) {
      const [header, ...lines] = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      this.since = (JSON.parse(header as string) as { since: number }).since;
      for (const line of lines) this.entries.push(JSON.parse(line) as HistoryEntry);
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify({ since: now })}\n`);
      this.since = now;
    }
  }

  append(entry: HistoryEntry): void {
    this.entries.push(entry);
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }

  itemsAt(time: number): Item[] {
    return itemsAt(this.entries, time);
  }
}
