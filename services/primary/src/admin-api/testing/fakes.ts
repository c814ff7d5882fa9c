// Test-only stand-ins for the primary pool, the capture step, the table and the backup pool: in memory, with
// every call written down so a test can assert that a refused request changed nothing.
import type { AdminGetUserCommandOutput, AttributeType } from '@aws-sdk/client-cognito-identity-provider';
import { type PoolUser, recordFromCognitoUser, type StoreResult, type UserRecord } from '@cognito-dr/shared';
import type { BackupPool, Capture, PrimaryPool, RecordReader } from '../pool';
import type { NewUser } from '../validate';

/** An error shaped like the AWS SDK's: told apart by `name`. */
export function awsError(name: string, message = `${name} from the fake`): Error {
  return Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: 400, requestId: 'aws-request-1' },
  });
}

interface FakeUser {
  username: string;
  attributes: Record<string, string>;
  enabled: boolean;
  status: 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD';
  groups: Set<string>;
}

type Method = keyof PrimaryPool;
const READS: Method[] = ['readUser', 'canonicalUsername', 'groupExists'];

export class FakePool implements PrimaryPool {
  private readonly users = new Map<string, FakeUser>();
  readonly groups = new Set(['staff', 'dr-admins']);
  /** Every call, reads included, as "method arg1 arg2". */
  readonly calls: string[] = [];
  /** Calls that would have changed the pool, with their arguments. */
  readonly changes: { method: Method; args: unknown[] }[] = [];
  private readonly failures = new Map<Method, Error>();
  private subs = 0;

  /** Makes the next call of `method` throw `error` (after recording it). */
  failNext(method: Method, error: Error): this {
    this.failures.set(method, error);
    return this;
  }

  withUser(username: string, attributes: Record<string, string> = {}, groups: string[] = []): this {
    this.subs++;
    this.users.set(username.toLowerCase(), {
      username,
      attributes: { sub: `sub-${this.subs}`, ...attributes },
      enabled: true,
      status: 'CONFIRMED',
      groups: new Set(groups),
    });
    return this;
  }

  user(username: string): FakeUser | undefined {
    return this.users.get(username.toLowerCase());
  }

  private record(method: Method, ...args: unknown[]): void {
    this.calls.push(
      [method, ...args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg)))].join(' '),
    );
    if (!READS.includes(method)) this.changes.push({ method, args });
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }

  private existing(username: string): FakeUser {
    const user = this.user(username);
    if (!user) throw awsError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  /** The pool's view of a user, as readPoolUser returns it. */
  poolUser(username: string): PoolUser | null {
    const user = this.user(username);
    if (!user) return null;
    const output: AdminGetUserCommandOutput = {
      $metadata: {},
      Username: user.username,
      UserAttributes: Object.entries(user.attributes).map(
        ([Name, Value]): AttributeType => ({ Name, Value }),
      ),
      Enabled: user.enabled,
      UserStatus: user.status,
    };
    return { user: output, groups: [...user.groups].sort() };
  }

  async readUser(username: string) {
    this.record('readUser', username);
    return this.poolUser(username);
  }

  async canonicalUsername(username: string) {
    this.record('canonicalUsername', username);
    return this.user(username)?.username ?? null;
  }

  async groupExists(group: string) {
    this.record('groupExists', group);
    return this.groups.has(group);
  }

  async createUser(newUser: NewUser) {
    this.record('createUser', newUser);
    if (this.user(newUser.username)) throw awsError('UsernameExistsException', 'User account already exists');
    this.withUser(
      newUser.username,
      Object.fromEntries(newUser.attributes.map(({ Name, Value }) => [Name ?? '', Value ?? ''])),
    );
    this.existing(newUser.username).status = 'FORCE_CHANGE_PASSWORD';
  }

  async updateAttributes(username: string, attributes: AttributeType[]) {
    this.record('updateAttributes', username, attributes);
    const user = this.existing(username);
    for (const { Name, Value } of attributes) if (Name && Value !== undefined) user.attributes[Name] = Value;
  }

  async deleteUser(username: string) {
    this.record('deleteUser', username);
    this.existing(username);
    this.users.delete(username.toLowerCase());
  }

  async setEnabled(username: string, enabled: boolean) {
    this.record('setEnabled', username, enabled);
    this.existing(username).enabled = enabled;
  }

  async addToGroup(username: string, group: string) {
    this.record('addToGroup', username, group);
    const user = this.existing(username);
    if (!this.groups.has(group)) throw awsError('ResourceNotFoundException', 'Group not found.');
    user.groups.add(group);
  }

  async removeFromGroup(username: string, group: string) {
    this.record('removeFromGroup', username, group);
    const user = this.existing(username);
    if (!this.groups.has(group)) throw awsError('ResourceNotFoundException', 'Group not found.');
    user.groups.delete(group);
  }
}

/**
 * Stands in for captureUser: snapshots the fake pool through the real shared mapper into an in-memory table,
 * bumping the version as the real store does, and tombstoning users the pool no longer has.
 */
export class FakeCapture {
  readonly calls: string[] = [];
  readonly table = new Map<string, UserRecord>();
  private failure: Error | undefined;
  private clock = 1_700_000_000_000;

  constructor(private readonly pool: FakePool) {}

  failNext(error: Error): this {
    this.failure = error;
    return this;
  }

  readonly capture: Capture = async (username) => {
    this.calls.push(username);
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
    this.clock += 1000;
    const poolUser = this.pool.poolUser(username);
    const key = poolUser?.user.Username ?? username;
    const current = this.table.get(key);
    if (!poolUser) {
      if (!current || current.deleted) return { result: 'absent' };
      const tombstone = { ...current, deleted: true, deletedAt: this.clock, version: current.version + 1 };
      this.table.set(key, tombstone);
      return { result: 'tombstoned', version: tombstone.version, record: tombstone };
    }
    const snapshot = recordFromCognitoUser({
      ...poolUser,
      origin: 'us-east-1',
      poolId: 'us-east-1_P',
      now: this.clock,
    });
    const record = { ...snapshot, version: (current?.version ?? 0) + 1 };
    this.table.set(key, record);
    return { result: 'written', version: record.version, record } satisfies StoreResult;
  };
}

export class FakeRecords implements RecordReader {
  readonly calls: string[] = [];

  constructor(private readonly capture: FakeCapture) {}

  async getRecord(username: string) {
    this.calls.push(username);
    return this.capture.table.get(username) ?? null;
  }
}

export class FakeBackup implements BackupPool {
  readonly users = new Set<string>();
  readonly calls: string[] = [];
  failure: Error | undefined;

  async hasUser(username: string) {
    this.calls.push(username);
    if (this.failure) throw this.failure;
    return this.users.has(username);
  }
}
