// The shared fake user pool plus the list calls the reconciler needs, paging at 60 as real Cognito does (or, on
// demand, ignoring paging as cognito-local does).
import {
  InvalidParameterException,
  ResourceNotFoundException,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { FakeUserPool } from './fake-user-pool';

// biome-ignore lint/suspicious/noExplicitAny: a fake receives every command shape the real client accepts.
type AnyCommand = { constructor: { name: string }; input: any };

const meta = { $metadata: {} };
const MAX_PAGE = 60;

export interface PagingOptions {
  /** Answer like cognito-local: every user in one response, no PaginationToken, Limit ignored. */
  ignoresPaging?: boolean;
  /** Refuse every ListUsers Filter, like a pool or emulator without filter support. */
  refusesFilters?: boolean;
  seed?: number;
  /** The pool's UsernameAttributes, as FakeUserPool takes them. */
  usernameAttributes?: readonly ('email' | 'phone_number')[];
}

export class PagingUserPool extends FakeUserPool {
  private readonly paging: PagingOptions;
  /** Filters ListUsers was called with, in order. */
  readonly filters: string[] = [];
  /** When set, every call is stamped with its time, to check pacing. */
  clock: { now(): number } | undefined;
  readonly callTimes: { command: string; at: number }[] = [];
  /** When each user was last modified, as ListUsers reports it (UserLastModifiedDate); unset: not reported. */
  readonly modifiedAt = new Map<string, Date>();

  constructor(options: PagingOptions = {}) {
    super({ seed: options.seed, groupsPageSize: 60, usernameAttributes: options.usernameAttributes });
    this.paging = options;
  }

  /** Adds `count` users named `${prefix}0000`… with a uuid-shaped sub each. */
  addUsers(count: number, prefix = 'user-', attributes: Record<string, string> = {}): string[] {
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const username = `${prefix}${String(i).padStart(4, '0')}`;
      this.addUser({
        username,
        enabled: true,
        status: 'CONFIRMED',
        attributes: { sub: uuidFor(username), email: `${username}@example.com`, ...attributes },
      });
      names.push(username);
    }
    return names;
  }

  override async send(command: AnyCommand): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input;
    if (this.clock) this.callTimes.push({ command: name, at: this.clock.now() });
    if (name === 'ListUsers' || name === 'ListGroups' || name === 'ListUsersInGroup')
      this.beforeSend?.(name, input);
    switch (name) {
      case 'ListUsers':
        this.calls.push(name);
        return this.listUsers(input);
      case 'ListGroups':
        this.calls.push(name);
        return this.page(
          [...this.groups.keys()].sort(),
          input.Limit,
          input.NextToken,
          (GroupName) => this.groupOf(GroupName),
          'Groups',
          'NextToken',
        );
      case 'ListUsersInGroup': {
        this.calls.push(name);
        const members = this.groups.get(input.GroupName);
        if (!members) throw new ResourceNotFoundException({ message: 'Group not found', ...meta });
        return this.page(
          [...members].sort(),
          input.Limit,
          input.NextToken,
          (username) => this.asListed(username),
          'Users',
          'NextToken',
        );
      }
      default:
        return super.send(command);
    }
  }

  private listUsers(input: { Limit?: number; PaginationToken?: string; Filter?: string }) {
    let names = [...this.users.keys()].sort();
    if (input.Filter !== undefined) {
      this.filters.push(input.Filter);
      const match = /^\s*(\w+)\s*(\^?=)\s*"(.*)"\s*$/.exec(input.Filter);
      if (this.paging.refusesFilters || !match) {
        throw new InvalidParameterException({ message: 'Error while parsing filter', ...meta });
      }
      const [, attribute, operator, value = ''] = match;
      const matches = (actual: string | undefined) =>
        operator === '=' ? actual === value : actual?.startsWith(value) === true;
      names = names.filter((username) =>
        matches(
          attribute === 'username' ? username : this.users.get(username)?.attributes[attribute as string],
        ),
      );
    }
    if (this.paging.ignoresPaging) return { Users: names.map((username) => this.asListed(username)) };
    return this.page(
      names,
      input.Limit,
      input.PaginationToken,
      (username) => this.asListed(username),
      'Users',
      'PaginationToken',
    );
  }

  private page<T>(
    all: string[],
    limit: number | undefined,
    token: string | undefined,
    map: (name: string) => T,
    itemsKey: string,
    tokenKey: string,
  ): Record<string, unknown> {
    if (limit !== undefined && (limit < 0 || limit > MAX_PAGE)) {
      throw new InvalidParameterException({ message: `Limit must be at most ${MAX_PAGE}`, ...meta });
    }
    let start = 0;
    if (token !== undefined) {
      const after = decodeToken(token);
      if (after === undefined)
        throw new InvalidParameterException({ message: 'Invalid pagination token', ...meta });
      start = all.findIndex((name) => name > after);
      if (start < 0) start = all.length;
    }
    const size = limit || MAX_PAGE;
    const slice = all.slice(start, start + size);
    const last = slice[slice.length - 1];
    const more = start + size < all.length;
    return {
      [itemsKey]: slice.map(map),
      [tokenKey]: more && last !== undefined ? encodeToken(last) : undefined,
    };
  }

  private asListed(username: string): UserType {
    const user = this.users.get(username);
    if (!user) throw new Error(`no user ${username}`);
    return {
      Username: user.username,
      Attributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
      Enabled: user.enabled,
      UserStatus: user.status as UserType['UserStatus'],
      ...(this.modifiedAt.has(username) ? { UserLastModifiedDate: this.modifiedAt.get(username) } : {}),
    };
  }
}

/** Opaque to callers, as Cognito's tokens are; resumes after the named user, so deletions cannot shift a page. */
const encodeToken = (after: string) => Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
const decodeToken = (token: string): string | undefined => {
  try {
    const { after } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    return typeof after === 'string' ? after : undefined;
  } catch {
    return undefined;
  }
};

/** A stable uuid-shaped sub per username, so tests can look users up by sub. */
export function uuidFor(username: string): string {
  let hash = 0x811c9dc5;
  const bytes: number[] = [];
  for (let round = 0; round < 16; round++) {
    for (const char of `${round}:${username}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    bytes.push(hash & 0xff);
  }
  const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
