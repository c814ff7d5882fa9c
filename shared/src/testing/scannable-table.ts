// The shared fake table plus Scan, paging in key order and resuming after any key, as the reconciler uses it.
import { FakeTable } from './fake-table';

// biome-ignore lint/suspicious/noExplicitAny: a fake receives every command shape the real client accepts.
type AnyCommand = { constructor: { name: string }; input: any };

export class ScannableTable extends FakeTable {
  /** Usernames of every PutCommand that reached the table, in order (to assert nothing was written twice). */
  readonly written: string[] = [];

  constructor() {
    super();
    this.beforePut = ({ Item }) => {
      this.written.push(String(Item.username));
    };
  }

  override async send(command: AnyCommand): Promise<unknown> {
    if (command.constructor.name === 'QueryCommand' && command.input.IndexName === 'bySub') {
      return this.querySubIndex(command.input);
    }
    if (command.constructor.name !== 'ScanCommand') return super.send(command);
    this.calls.push('ScanCommand');
    const input = command.input as {
      Limit?: number;
      ExclusiveStartKey?: { username: string };
      Segment?: number;
      TotalSegments?: number;
      ConsistentRead?: boolean;
    };
    const consistent = input.ConsistentRead === true;
    this.reads.push({ command: 'ScanCommand', consistent });
    // A parallel scan's segment holds the keys that hash to it, as DynamoDB splits by partition.
    const inSegment = (key: string) =>
      input.TotalSegments === undefined || segmentOf(key, input.TotalSegments) === input.Segment;
    const keys = [...this.items.keys()].filter(inSegment).sort();
    const after = input.ExclusiveStartKey?.username;
    const start = after === undefined ? 0 : keys.filter((key) => key <= after).length;
    const slice = keys.slice(start, start + (input.Limit ?? 100));
    const last = slice[slice.length - 1];
    return {
      Items: slice.flatMap((key) => {
        const item = this.seen(key, consistent);
        return item ? [item] : [];
      }),
      LastEvaluatedKey:
        start + slice.length < keys.length && last !== undefined ? { username: last } : undefined,
    };
  }

  /** The `bySub` index: items whose sub equals :sub, keys and `deleted` only. */
  private querySubIndex(input: { IndexName?: string; ExpressionAttributeValues?: { ':sub'?: string } }) {
    this.calls.push('QueryCommand');
    if (input.IndexName !== 'bySub') throw new Error(`no index ${input.IndexName}`);
    const sub = input.ExpressionAttributeValues?.[':sub'];
    const Items = [...this.items.values()]
      .filter((item) => item.sub === sub)
      .map((item) => ({
        username: item.username,
        sub: item.sub,
        ...(item.deleted ? { deleted: item.deleted } : {}),
      }));
    return { Items };
  }
}

function segmentOf(key: string, total: number): number {
  let hash = 0;
  for (const char of key) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return hash % total;
}
