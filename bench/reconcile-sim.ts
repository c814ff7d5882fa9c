// `npm run bench -- reconcile-sim --users 1000000`: the real reconcile engine and its Lambda core (lease, state-table
// checkpoints, 15-minute invocations) against an in-memory pool that pages like Cognito and enforces its per-category
// quotas on a virtual clock, and an in-memory table. Reports the pass's virtual duration, invocations, calls and peak
// rate per quota category, state-table writes and heap, for an unchanged pool and for one with a few hundred changes.
import {
  CognitoIdentityProviderClient,
  TooManyRequestsException,
  UserNotFoundException,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DEFAULT_INCREMENTAL,
  DEFAULT_SCHEDULED_RUN_SETTINGS,
  onScheduledRun,
  runReconcile,
  type ScheduledRunSummary,
  stateTableCheckpoints,
  stateTableLease,
} from '@cognito-dr/reconcile';
import {
  type CallCounts,
  type Clock,
  COGNITO_QUOTAS,
  groupRecordFromCognito,
  groupRecordToItem,
  isGroupKey,
  QUOTA_CATEGORIES,
  type QuotaCategory,
  quotaCategoryOf,
  recordFromCognitoUser,
  recordFromItem,
  recordToItem,
  TABLE_KEY,
  USERNAME_LOWER_ATTRIBUTE,
  type UserRecord,
} from '@cognito-dr/shared';
import { checkExpressions, conditionHolds } from '@cognito-dr/shared/src/testing/dynamo-expressions';
import { FakeStateTable } from '@cognito-dr/shared/src/testing/fake-state-table';

// biome-ignore lint/suspicious/noExplicitAny: fakes receive every command shape the real clients accept.
type AnyCommand = { constructor: { name: string }; input: any };

/** Time that moves only when every task waits on it: a heap of timers, all those due at once woken together. */
export class VirtualClock implements Clock {
  private time = 1_800_000_000_000;
  private readonly heap: { at: number; seq: number; wake: () => void }[] = [];
  private seq = 0;
  /** Wake-ups so far, for sampling the heap every so often. */
  steps = 0;

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((wake) => this.push({ at: this.time + ms, seq: this.seq++, wake }));
  }

  /** Runs `work` to its end, moving time forward whenever nothing else can happen. */
  async drive<T>(work: Promise<T>, onStep?: () => void): Promise<T> {
    let settled = false;
    const done = work.finally(() => {
      settled = true;
    });
    done.catch(() => {});
    for (;;) {
      // One macrotask turn lets every pending microtask chain run until it waits on a timer (or ends).
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return done;
      const first = this.pop();
      if (!first) return done; // nothing scheduled and not settled: the work waits on something else
      this.time = Math.max(this.time, first.at);
      first.wake();
      while (this.heap.length > 0 && (this.heap[0] as { at: number }).at <= this.time) this.pop()?.wake();
      this.steps += 1;
      onStep?.();
    }
  }

  private push(timer: { at: number; seq: number; wake: () => void }): void {
    const heap = this.heap;
    heap.push(timer);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(timer, heap[parent] as typeof timer)) break;
      heap[index] = heap[parent] as typeof timer;
      index = parent;
    }
    heap[index] = timer;
  }

  private pop(): { at: number; seq: number; wake: () => void } | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child =
          right < heap.length && before(heap[right] as typeof last, heap[left] as typeof last) ? right : left;
        if (!before(heap[child] as typeof last, last)) break;
        heap[index] = heap[child] as typeof last;
        index = child;
      }
      heap[index] = last;
    }
    return top;
  }
}

const before = (a: { at: number; seq: number }, b: { at: number; seq: number }) =>
  a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** Enforces Cognito's quotas: a call over a category's quota in any one-second window is throttled. */
class QuotaWindows {
  private readonly windows = new Map<QuotaCategory, number[]>();
  readonly peak = Object.fromEntries(QUOTA_CATEGORIES.map((c) => [c, 0])) as Record<QuotaCategory, number>;
  readonly calls = Object.fromEntries(QUOTA_CATEGORIES.map((c) => [c, 0])) as Record<QuotaCategory, number>;
  throttled = 0;

  constructor(private readonly clock: Clock) {}

  admit(category: QuotaCategory): void {
    const now = this.clock.now();
    let window = this.windows.get(category);
    if (!window) {
      window = [];
      this.windows.set(category, window);
    }
    let drop = 0;
    while (drop < window.length && (window[drop] as number) <= now - 1000) drop++;
    if (drop > 0) window.splice(0, drop);
    if (window.length >= COGNITO_QUOTAS[category].rps) {
      this.throttled += 1;
      throw new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    }
    window.push(now);
    this.calls[category] += 1;
    this.peak[category] = Math.max(this.peak[category], window.length);
  }
}

/** The reads a reconcile pass makes; anything else is not simulated. */
const SIMULATED = new Set([
  'ListUsersCommand',
  'ListUsersInGroupCommand',
  'ListGroupsCommand',
  'AdminGetUserCommand',
  'AdminListGroupsForUserCommand',
  'DescribeUserPoolCommand',
]);

export interface Latency {
  listUsersMs: number;
  listUsersInGroupMs: number;
  adminReadMs: number;
  dynamoMs: number;
  scanMs: number;
}

const DEFAULT_LATENCY: Latency = {
  listUsersMs: 150,
  listUsersInGroupMs: 120,
  adminReadMs: 40,
  dynamoMs: 8,
  scanMs: 40,
};

const PAGE = 60;
const HEX = '0123456789abcdef';
/** The simulated pool's groups ('beta' holds the regrouped users). */
const SIM_GROUPS = ['beta', 'members'];

const HEX_BYTE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const hexWord = (word: number) =>
  (HEX_BYTE[word >>> 24] as string) +
  (HEX_BYTE[(word >>> 16) & 0xff] as string) +
  (HEX_BYTE[(word >>> 8) & 0xff] as string) +
  (HEX_BYTE[word & 0xff] as string);

/** A deterministic lower-case uuid per index (murmur-style mixing), uniform in its first hex digit. */
function subOf(index: number): string {
  const words: number[] = [];
  let state = (index * 0x9e3779b1 + 0x7f4a7c15) >>> 0;
  for (let word = 0; word < 4; word++) {
    state = Math.imul(state ^ (state >>> 16), 0x85ebca6b) >>> 0;
    state = Math.imul(state ^ (state >>> 13), 0xc2b2ae35) >>> 0;
    state = (state ^ (state >>> 16)) >>> 0;
    words.push(state);
    state = (state + 0x6d2b79f5 + index) >>> 0;
  }
  const [a = 0, b = 0, c = 0, d = 0] = words;
  const second = hexWord(b);
  const third = hexWord(c);
  return `${hexWord(a)}-${second.slice(0, 4)}-4${second.slice(5, 8)}-8${third.slice(1, 4)}-${third.slice(4, 8)}${hexWord(d)}`;
}

const usernameOf = (index: number) => `user${String(index).padStart(7, '0')}`;
const indexOf = (username: string): number => {
  const match = /^user(\d{7})$/i.exec(username);
  return match ? Number(match[1]) : -1;
};

export interface Population {
  users: number;
  /** Share of users in the big group. */
  groupShare: number;
  /** Users in a second group as well (taken from the big group's members). */
  twoGroupUsers: number;
  /** Pool users whose attributes changed since their record was written. */
  changed: number;
  /** Pool users added to the second group since their record was written. */
  regrouped: number;
  /** Pool users without a record. */
  missing: number;
  /** Records whose user the pool no longer has. */
  deleted: number;
}

/** The pool: users generated from their index; only what differs from the generated baseline is stored. */
class SimPool {
  readonly byPrefix: Int32Array[];
  readonly deleted = new Set<number>();
  readonly changed = new Set<number>();
  readonly regrouped = new Set<number>();
  private readonly bigStride: number;
  private readonly smallStride: number;
  /** UserLastModifiedDate as ListUsers reports it: before the records' capture, or (changed users) just now. */
  private readonly modifiedBefore: Date;
  private readonly modifiedNow: Date;

  constructor(
    readonly population: Population,
    private readonly clock: Clock,
    readonly quotas: QuotaWindows,
    private readonly latency: Latency,
  ) {
    this.modifiedBefore = new Date(clock.now() - 86_400_000 - 60_000);
    this.modifiedNow = new Date(clock.now() - 60_000);
    const buckets: number[][] = Array.from({ length: 16 }, () => []);
    for (let index = 0; index < population.users; index++) {
      (buckets[HEX.indexOf(subOf(index)[0] as string)] as number[]).push(index);
    }
    this.byPrefix = buckets.map((bucket) => Int32Array.from(bucket));
    this.bigStride = population.groupShare > 0 ? Math.max(1, Math.round(1 / population.groupShare)) : 0;
    const bigMembers = this.bigStride ? Math.ceil(population.users / this.bigStride) : 0;
    this.smallStride =
      population.twoGroupUsers > 0 && bigMembers > 0
        ? this.bigStride * Math.max(1, Math.floor(bigMembers / population.twoGroupUsers))
        : 0;
  }

  /** Groups of the user at index, as the pool has them now. */
  groupsOf(index: number, baseline = false): string[] {
    const groups: string[] = [];
    if (this.inSmall(index) || (!baseline && this.regrouped.has(index))) groups.push('beta');
    if (this.bigStride && index % this.bigStride === 0) groups.push('members');
    return groups;
  }

  get memberships(): number {
    let count = 0;
    for (let index = 0; index < this.population.users; index++) count += this.groupsOf(index, true).length;
    return count;
  }

  private inSmall(index: number): boolean {
    return this.smallStride > 0 && index % this.smallStride === 0;
  }

  listed(index: number, baseline = false): UserType {
    const username = usernameOf(index);
    return {
      Username: username,
      Attributes: [
        { Name: 'sub', Value: subOf(index) },
        { Name: 'email', Value: `${username}@example.com` },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:tier', Value: !baseline && this.changed.has(index) ? 'gold' : 'standard' },
      ],
      Enabled: true,
      UserStatus: 'CONFIRMED',
      UserLastModifiedDate: !baseline && this.changed.has(index) ? this.modifiedNow : this.modifiedBefore,
    };
  }

  get client(): CognitoIdentityProviderClient {
    return Object.assign(Object.create(CognitoIdentityProviderClient.prototype), {
      send: (command: AnyCommand) => this.send(command),
      destroy: () => {},
    }) as CognitoIdentityProviderClient;
  }

  private async send(command: AnyCommand): Promise<unknown> {
    const name = command.constructor.name;
    const category = quotaCategoryOf(name);
    if (!SIMULATED.has(name) || !category) throw new Error(`the simulated pool does not implement ${name}`);
    this.quotas.admit(category);
    const input = command.input;
    const wait =
      name === 'ListUsersCommand'
        ? this.latency.listUsersMs
        : name === 'ListUsersInGroupCommand'
          ? this.latency.listUsersInGroupMs
          : this.latency.adminReadMs;
    await this.clock.sleep(wait);
    switch (name) {
      case 'ListUsersCommand': {
        const filter = /^sub \^= "([0-9a-f])"$/.exec(input.Filter ?? '');
        if (!filter) throw new Error('the simulated pool lists by sub prefix only');
        const indexes = this.byPrefix[HEX.indexOf(filter[1] as string)] as Int32Array;
        let offset = input.PaginationToken ? Number(input.PaginationToken) : 0;
        const Users: UserType[] = [];
        while (Users.length < Math.min(input.Limit ?? PAGE, PAGE) && offset < indexes.length) {
          const index = indexes[offset++] as number;
          if (!this.deleted.has(index)) Users.push(this.listed(index));
        }
        return { Users, PaginationToken: offset < indexes.length ? String(offset) : undefined };
      }
      case 'ListGroupsCommand':
        return { Groups: SIM_GROUPS.map((GroupName) => ({ GroupName })) };
      case 'ListUsersInGroupCommand': {
        // Members in index order: the stride's multiples, plus the regrouped users (for 'beta'), as one list.
        const members = this.membersOf(input.GroupName);
        const offset = input.NextToken ? Number(input.NextToken) : 0;
        const slice = members.slice(offset, offset + PAGE);
        return {
          Users: slice.map((index) => this.listed(index)),
          NextToken: offset + PAGE < members.length ? String(offset + PAGE) : undefined,
        };
      }
      case 'AdminGetUserCommand': {
        const index = indexOf(input.Username);
        if (index < 0 || index >= this.population.users || this.deleted.has(index)) {
          throw new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });
        }
        const { Attributes, ...user } = this.listed(index);
        return { ...user, UserAttributes: Attributes };
      }
      case 'AdminListGroupsForUserCommand':
        return { Groups: this.groupsOf(indexOf(input.Username)).map((GroupName) => ({ GroupName })) };
      default:
        return { UserPool: { EstimatedNumberOfUsers: this.population.users } };
    }
  }

  private readonly memberLists = new Map<string, number[]>();

  private membersOf(group: string): number[] {
    const known = this.memberLists.get(group);
    if (known) return known;
    const members: number[] = [];
    const stride = group === 'beta' ? this.smallStride : this.bigStride;
    if (stride) for (let index = 0; index < this.population.users; index += stride) members.push(index);
    if (group === 'beta') members.push(...[...this.regrouped].filter((index) => !this.inSmall(index)));
    const live = members.filter((index) => !this.deleted.has(index)).sort((a, b) => a - b);
    this.memberLists.set(group, live);
    return live;
  }
}

/** The table: each user's record as it was first captured, unless written since (or missing). */
class SimTable {
  readonly written = new Map<string, Record<string, unknown>>();
  readonly missing = new Set<number>();
  readonly baselineAt: number;
  /** Read request units consumed: an item (a Scan: each 4 KB read) costs 1, or half when eventually consistent. */
  readUnits = 0;

  /** The pool's groups as a capture recorded them (an unchanged pool: the group pass finds nothing to write). */
  readonly groups = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly pool: SimPool,
    private readonly clock: VirtualClock,
    private readonly latency: Latency,
  ) {
    this.baselineAt = clock.now() - 86_400_000;
    for (const GroupName of SIM_GROUPS) {
      const stamp = { origin: 'us-east-1', poolId: 'us-east-1_SIM', now: this.baselineAt };
      const item = groupRecordToItem({ ...groupRecordFromCognito({ GroupName }, stamp), version: 1 });
      this.groups.set(String(item[TABLE_KEY]), item);
    }
  }

  /** A table item by key: a group's record, or a user's. */
  private byKey(key: string): Record<string, unknown> | undefined {
    return isGroupKey(key) ? (this.written.get(key) ?? this.groups.get(key)) : this.item(indexOf(key));
  }

  item(index: number): Record<string, unknown> | undefined {
    const username = usernameOf(index);
    const written = this.written.get(username);
    if (written) return written;
    if (this.missing.has(index) || index < 0 || index >= this.pool.population.users) return undefined;
    return this.baselineItem(index);
  }

  /** What a capture wrote for the user: the record mapper's own output, checked against a cheap copy once. */
  private baselineItem(index: number, viaMapper = false): Record<string, unknown> {
    if (viaMapper || !this.template) {
      return recordToItem({
        ...recordFromCognitoUser({
          user: this.pool.listed(index, true),
          groups: this.pool.groupsOf(index, true),
          origin: 'us-east-1',
          poolId: 'us-east-1_SIM',
          now: this.baselineAt,
        }),
        version: 1,
      });
    }
    const username = usernameOf(index);
    const template = this.template;
    return {
      ...template,
      username,
      [USERNAME_LOWER_ATTRIBUTE]: username.toLowerCase(),
      sub: subOf(index),
      attributes: { ...(template.attributes as object), email: `${username}@example.com` },
      groups: this.pool.groupsOf(index, true),
    };
  }

  private template: Record<string, unknown> | undefined;

  /** Builds the cheap copy's template and proves it equal to the mapper's output for a few users. */
  prepare(): void {
    this.template = this.baselineItem(0, true);
    for (const index of [1, 4, 250, this.pool.population.users - 1]) {
      if (index < 0 || index >= this.pool.population.users) continue;
      const real = JSON.stringify(this.baselineItem(index, true));
      if (JSON.stringify(this.baselineItem(index)) !== real)
        throw new Error('the simulated table drifted from the record mapper');
    }
  }

  get client(): DynamoDBDocumentClient {
    return Object.assign(Object.create(DynamoDBDocumentClient.prototype), {
      send: (command: AnyCommand) => this.send(command),
      destroy: () => {},
    }) as DynamoDBDocumentClient;
  }

  private async send(command: AnyCommand): Promise<unknown> {
    const name = command.constructor.name;
    const input = command.input;
    await this.clock.sleep(name === 'ScanCommand' ? this.latency.scanMs : this.latency.dynamoMs);
    switch (name) {
      case 'GetCommand': {
        const Item = this.byKey(String(input.Key[TABLE_KEY]));
        this.readUnits += (input.ConsistentRead ? 1 : 0.5) * Math.max(1, Math.ceil(sizeOf(Item) / 4096));
        return { Item };
      }
      case 'BatchGetCommand': {
        const [[table, request]] = Object.entries(input.RequestItems) as [
          [string, { Keys: { username: string }[]; ConsistentRead?: boolean }],
        ];
        const items = request.Keys.map((key) => this.byKey(key.username)).filter(Boolean);
        for (const item of items)
          this.readUnits += (request.ConsistentRead ? 1 : 0.5) * Math.max(1, Math.ceil(sizeOf(item) / 4096));
        return { Responses: { [table]: items }, UnprocessedKeys: {} };
      }
      case 'PutCommand': {
        const username = String(input.Item[TABLE_KEY]);
        checkExpressions(input);
        if (
          input.ConditionExpression &&
          !conditionHolds(input.ConditionExpression, this.byKey(username), input)
        ) {
          throw new ConditionalCheckFailedException({
            message: 'The conditional request failed',
            $metadata: {},
          });
        }
        this.written.set(username, input.Item);
        return {};
      }
      case 'QueryCommand': {
        // Only the group records' index query (listGroupRecords): every group item, in one page.
        const lower = input.ExpressionAttributeValues?.[':lower'];
        const Items = [...this.groups.values(), ...this.written.values()].filter(
          (item, i, all) =>
            item[USERNAME_LOWER_ATTRIBUTE] === lower &&
            all.findIndex((other) => other[TABLE_KEY] === item[TABLE_KEY]) === i,
        );
        return { Items };
      }
      case 'ScanCommand': {
        const total = input.TotalSegments ?? 1;
        const segment = input.Segment ?? 0;
        const after = input.ExclusiveStartKey ? indexOf(input.ExclusiveStartKey.username) : -1;
        let index = after < 0 ? segment : after + total;
        const Items: Record<string, unknown>[] = [];
        while (Items.length < (input.Limit ?? 500) && index < this.pool.population.users) {
          const item = this.item(index);
          if (item) Items.push(item);
          index += total;
        }
        const last = Items.at(-1);
        const bytes = Items.reduce((sum, item) => sum + sizeOf(item), 0);
        this.readUnits += (input.ConsistentRead ? 1 : 0.5) * Math.ceil(bytes / 4096);
        return {
          Items,
          LastEvaluatedKey:
            index < this.pool.population.users && last ? { username: last.username } : undefined,
        };
      }
      default:
        throw new Error(`the simulated table does not implement ${name}`);
    }
  }
}

/** An item's size as DynamoDB counts it, near enough: its JSON. */
const sizeOf = (item: Record<string, unknown> | undefined) => (item ? JSON.stringify(item).length : 0);

export interface SimResult {
  scenario: string;
  users: number;
  memberships: number;
  virtualMinutes: number;
  invocations: number;
  counts: Record<string, number>;
  calls: CallCounts;
  /** Busiest one-second window of each category, as a share of its default quota. */
  peakShareOfQuota: Record<string, number>;
  throttled: number;
  stateTable: { writeUnits: number; largestItemKB: number };
  /** Read request units the pass consumed from the users table. */
  tableReadUnits: number;
  /** Largest heap in use during the run, sampled. */
  heapUsedMB: number;
  /** UserList calls at the budget's rate: the listing's floor. */
  userListFloorMinutes: number;
  repairedAll: boolean;
  realSeconds: number;
}

export async function simulateReconcile(
  population: Population,
  latency: Latency = DEFAULT_LATENCY,
  scenario = 'pass',
  /** An incremental pass: reads the records of users modified in the last this many hours only. */
  incrementalHours?: number,
): Promise<SimResult> {
  const started = Date.now();
  const clock = new VirtualClock();
  const quotas = new QuotaWindows(clock);
  const pool = new SimPool(population, clock, quotas, latency);
  const table = new SimTable(pool, clock, latency);
  table.prepare();
  const pick = (count: number, offset: number) =>
    Array.from(
      { length: count },
      (_, n) => Math.floor(((n + 0.5) * population.users) / count + offset) % population.users,
    );
  for (const index of pick(population.changed, 1)) pool.changed.add(index);
  for (const index of pick(population.regrouped, 3)) pool.regrouped.add(index);
  for (const index of pick(population.missing, 5)) table.missing.add(index);
  for (const index of pick(population.deleted, 7)) pool.deleted.add(index);

  const state = new FakeStateTable();
  const stateClient = Object.assign(Object.create(DynamoDBDocumentClient.prototype), {
    send: async (command: AnyCommand) => {
      await clock.sleep(latency.dynamoMs);
      return state.send(command);
    },
  }) as DynamoDBDocumentClient;
  const stateTable = { table: stateClient, tableName: 'cognito-dr-state-sim', clock };
  const calls = Object.fromEntries(QUOTA_CATEGORIES.map((c) => [c, 0])) as CallCounts;
  const silent = { info: () => {}, warn: () => {}, error: () => {} };
  const lease = stateTableLease(stateTable, 'reconcile', 'sim', 5 * 60_000);
  const handler = onScheduledRun({
    metricPrefix: 'Reconcile',
    modes: ['reconcile'],
    lease,
    checkpoints: stateTableCheckpoints(stateTable, 'reconcile', lease),
    run: (request, controls) =>
      runReconcile(
        {
          cognito: pool.client,
          table: table.client,
          userPoolId: 'us-east-1_SIM',
          tableName: 'cognito-dr-users-sim',
          origin: 'us-east-1',
          clock,
          checkpoints: controls.checkpoints,
          pools: { 'us-east-1': 'us-east-1_SIM', 'ap-northeast-1': undefined },
          beforeWrite: controls.beforeWrite,
        },
        {
          mode: 'reconcile',
          dryRun: request.dryRun,
          shouldStop: controls.shouldStop,
          onFailure: controls.onFailure,
          ...(incrementalHours === undefined
            ? {}
            : { modifiedSince: clock.now() - incrementalHours * 3_600_000 }),
        },
      ),
    continueWith: async () => {},
    now: () => clock.now(),
    log: silent as never,
    metrics: {
      addMetric: (name: string, _unit: unknown, value: number) => {
        const category = name.replace(/^ReconcileCalls/, '') as QuotaCategory;
        if (name.startsWith('ReconcileCalls')) calls[category] += value;
      },
    } as never,
    settings: DEFAULT_SCHEDULED_RUN_SETTINGS,
  });

  let heapUsed = 0;
  const sample = () => {
    if (clock.steps % 2000 === 0) heapUsed = Math.max(heapUsed, process.memoryUsage().heapUsed);
  };
  const begin = clock.now();
  let invocations = 0;
  const work = async () => {
    let last: ScheduledRunSummary;
    do {
      invocations += 1;
      const deadline = clock.now() + 900_000;
      last = await handler(invocations === 1 ? { source: 'aws.events' } : { continuation: true }, {
        getRemainingTimeInMillis: () => deadline - clock.now(),
      });
      // The next invocation starts a moment later (asynchronous invoke, cold start).
      await clock.sleep(1_000);
    } while ('continued' in last && last.continued && invocations < 20);
    return last;
  };
  const summary = await clock.drive(work(), sample);
  heapUsed = Math.max(heapUsed, process.memoryUsage().heapUsed);
  if (!('counts' in summary)) throw new Error(`run did not start: ${JSON.stringify(summary)}`);

  const memberships = pool.memberships;
  const record = (index: number): UserRecord | undefined => {
    const item = table.item(index);
    return item && recordFromItem(item);
  };
  const repairedAll =
    summary.complete &&
    [...pool.changed].every((index) => record(index)?.attributes['custom:tier'] === 'gold') &&
    [...pool.regrouped].every((index) => record(index)?.groups.includes('beta')) &&
    [...table.missing].every((index) => pool.deleted.has(index) || record(index)?.deleted !== true) &&
    [...table.missing].every((index) => pool.deleted.has(index) || record(index) !== undefined) &&
    [...pool.deleted].every((index) => table.missing.has(index) || record(index)?.deleted === true);
  const budgetUserList = COGNITO_QUOTAS.UserList.rps / 2;
  return {
    scenario,
    users: population.users,
    memberships,
    virtualMinutes: round((clock.now() - begin) / 60_000),
    invocations,
    counts: summary.counts as unknown as Record<string, number>,
    calls: quotas.calls,
    peakShareOfQuota: Object.fromEntries(
      QUOTA_CATEGORIES.filter((c) => quotas.calls[c] > 0).map((c) => [
        c,
        round(quotas.peak[c] / COGNITO_QUOTAS[c].rps),
      ]),
    ),
    throttled: quotas.throttled,
    stateTable: { writeUnits: state.writeUnits, largestItemKB: round(state.largestItemBytes / 1024) },
    tableReadUnits: Math.round(table.readUnits),
    heapUsedMB: Math.round(heapUsed / 1024 / 1024),
    userListFloorMinutes: round((population.users / PAGE + memberships / PAGE) / budgetUserList / 60),
    repairedAll,
    realSeconds: round((Date.now() - started) / 1000),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The subcommand: an unchanged pool, a pool with a few hundred changes, then how memberships stretch the pass. */
export async function runReconcileSim(argv: string[]): Promise<void> {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({
    args: argv,
    options: {
      users: { type: 'string', default: '1000000' },
      'group-share': { type: 'string', default: '0.2' },
      'two-group-users': { type: 'string', default: '4000' },
      'membership-sweep': { type: 'string', default: '0,1' },
    },
  });
  const users = Number(values.users);
  const base: Population = {
    users,
    groupShare: Number(values['group-share']),
    twoGroupUsers: Number(values['two-group-users']),
    changed: 0,
    regrouped: 0,
    missing: 0,
    deleted: 0,
  };
  const scale = Math.max(1, Math.round(users / 10_000));
  const changes = { changed: 200, regrouped: 100, missing: 100, deleted: 100 };
  const few = Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, Math.min(v, scale * 10)]));
  const results: SimResult[] = [];
  const show = (result: SimResult) => {
    results.push(result);
    process.stderr.write(`${JSON.stringify(result)}\n`);
  };
  show(await simulateReconcile(base, DEFAULT_LATENCY, 'unchanged'));
  show(await simulateReconcile({ ...base, ...few }, DEFAULT_LATENCY, 'changed/missing/deleted'));
  // The hourly pass: only users modified within the window are compared (the full pass above, once a day).
  show(
    await simulateReconcile(
      { ...base, changed: few.changed ?? 0 },
      DEFAULT_LATENCY,
      `incremental (${DEFAULT_INCREMENTAL.windowHours} h), changed`,
      DEFAULT_INCREMENTAL.windowHours,
    ),
  );
  for (const share of values['membership-sweep']
    .split(',')
    .filter(Boolean)
    .map(Number)
    .filter((s) => s !== base.groupShare)) {
    show(
      await simulateReconcile(
        { ...base, groupShare: share, twoGroupUsers: 0 },
        DEFAULT_LATENCY,
        `unchanged, ${share * 100} % in a group`,
      ),
    );
  }
  process.stdout.write(`${JSON.stringify({ latency: DEFAULT_LATENCY, results })}\n\n`);
  const header = [
    'scenario',
    'memberships',
    'virtual min',
    'floor min',
    'invocations',
    'UserList',
    'UserRead',
    'UserResourceRead',
    'peak % of quota (max)',
    'throttled',
    'state WCU',
    'table RRU',
    'heap MB',
    'repaired',
  ];
  process.stdout.write(`${header.join(' | ')}\n`);
  for (const r of results) {
    const peak = Math.max(...Object.values(r.peakShareOfQuota));
    process.stdout.write(
      `${[
        r.scenario,
        r.memberships,
        r.virtualMinutes,
        r.userListFloorMinutes,
        r.invocations,
        r.calls.UserList,
        r.calls.UserRead,
        r.calls.UserResourceRead,
        `${Math.round(peak * 100)} %`,
        r.throttled,
        r.stateTable.writeUnits,
        r.tableReadUnits,
        r.heapUsedMB,
        r.repairedAll,
      ].join(' | ')}\n`,
    );
  }
  const target = results[0];
  if (target) {
    const within =
      target.virtualMinutes <= 30 && Object.values(target.peakShareOfQuota).every((share) => share <= 0.5);
    process.stdout.write(
      `\ntarget (unchanged pass <= 30 min of virtual time at <= 50 % of every category): ${within ? 'met' : 'NOT met'}\n`,
    );
  }
}
