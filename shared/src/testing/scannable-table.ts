// The shared fake table plus Scan, paging in key order and resuming after any key, as the reconciler uses it.
import { checkExpressions, conditionHolds, type ExpressionInput, project } from './dynamo-expressions';
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
    if (command.constructor.name !== 'ScanCommand') return super.send(command);
    this.calls.push('ScanCommand');
    const input = command.input as ExpressionInput & {
      Limit?: number;
      ExclusiveStartKey?: { username: string };
      Segment?: number;
      TotalSegments?: number;
      ConsistentRead?: boolean;
      Select?: string;
    };
    const consistent = input.ConsistentRead === true;
    this.reads.push({ command: 'ScanCommand', consistent });
    checkExpressions(input);
    if (input.Select !== undefined)
      throw new Error(`ScannableTable does not implement Select ${input.Select}`);
    // A parallel scan's segment holds the keys that hash to it, as DynamoDB splits by partition.
    const inSegment = (key: string) =>
      input.TotalSegments === undefined || segmentOf(key, input.TotalSegments) === input.Segment;
    const keys = [...this.items.keys()].filter(inSegment).sort();
    const after = input.ExclusiveStartKey?.username;
    const start = after === undefined ? 0 : keys.filter((key) => key <= after).length;
    // Limit counts the items read, before the filter drops any, as DynamoDB counts it.
    const slice = keys.slice(start, start + (input.Limit ?? 100));
    const last = slice[slice.length - 1];
    const Items = slice
      .flatMap((key) => {
        const item = this.seen(key, consistent);
        return item ? [item as Record<string, unknown>] : [];
      })
      .filter(
        (item) => input.FilterExpression === undefined || conditionHolds(input.FilterExpression, item, input),
      )
      .map((item) => project(item, input));
    return {
      Items,
      Count: Items.length,
      ScannedCount: slice.length,
      LastEvaluatedKey:
        start + slice.length < keys.length && last !== undefined ? { username: last } : undefined,
    };
  }
}

function segmentOf(key: string, total: number): number {
  let hash = 0;
  for (const char of key) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return hash % total;
}
