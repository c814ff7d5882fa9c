// In-memory user pool answering the Cognito admin commands cognito-dr uses, with throttling on demand, for unit tests.
import {
  AliasExistsException,
  CognitoIdentityProviderClient,
  GroupExistsException,
  InvalidParameterException,
  InvalidPasswordException,
  NotAuthorizedException,
  ResourceNotFoundException,
  type SchemaAttributeType,
  TooManyRequestsException,
  UserLambdaValidationException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TargetUserState } from '../convergence-plan';
import { mfaOf } from '../record-mapper';
import { secretHash } from '../secret-hash';
import type { UserMfa } from '../user-record';
import { seededRandom } from './seeded-random';

export interface FakeUser {
  username: string;
  attributes: Record<string, string>;
  enabled: boolean;
  status: string;
  password?: string;
  /** MFA settings, as AdminGetUser reports them; absent: none. */
  mfa?: UserMfa;
}

// biome-ignore lint/suspicious/noExplicitAny: a fake receives every command shape the real client accepts.
type AnyCommand = { constructor: { name: string }; input: any };
type NameValue = { Name: string; Value?: string };

const CONTACT_FLAGS: Record<string, string> = {
  email: 'email_verified',
  phone_number: 'phone_number_verified',
};
const READ_ONLY = (name: string) => name === 'sub' || name === 'identities' || name.startsWith('cognito:');

const meta = { $metadata: {} };

const sameLink = (
  link: { providerName: string; userId: string },
  named: { ProviderName: string; ProviderAttributeValue: string },
) => link.providerName === named.ProviderName && link.userId === named.ProviderAttributeValue;

export interface FakeAppClient {
  clientId: string;
  name: string;
  secret?: string;
  /** What a SignUp through this client may write; absent: anything. */
  writeAttributes?: string[];
}

/** The pool's PreSignUp trigger as the fake runs it: gets Cognito's event, returns its `response` or throws. */
export type FakePreSignUp = (event: {
  triggerSource: 'PreSignUp_SignUp';
  userPoolId: string;
  userName: string;
  callerContext: { clientId: string };
  request: { userAttributes: Record<string, string>; clientMetadata?: Record<string, string> };
  response: { autoConfirmUser: boolean; autoVerifyEmail: boolean; autoVerifyPhone: boolean };
}) => Promise<{ autoConfirmUser?: boolean; autoVerifyEmail?: boolean; autoVerifyPhone?: boolean }>;

/**
 * Behaves like Cognito where cognito-dr depends on it: AdminCreateUser leaves FORCE_CHANGE_PASSWORD, writing a
 * contact attribute without its *_verified flag resets the flag to false, a flag without its contact attribute is
 * refused (as cognito-local does), unknown groups raise ResourceNotFoundException, read-only attributes are refused.
 */
export class FakeUserPool {
  readonly users = new Map<string, FakeUser>();
  /** Group name -> member usernames. */
  readonly groups = new Map<string, Set<string>>();
  /** Group name -> what the group is (description, precedence, role), for groups that have any of it. */
  readonly groupInfo = new Map<string, GroupInfo>();
  /** Command names, in call order (throttled calls included). */
  readonly calls: string[] = [];
  /** Inputs of every AdminCreateUser call, to check MessageAction and attributes. */
  readonly createInputs: { Username: string; MessageAction?: string; UserAttributes?: NameValue[] }[] = [];
  /** Fraction of calls (0..1) answered with TooManyRequestsException. */
  throttleRate: number;
  /** Runs before each command (after throttling); may change state or throw, to stage a race with another writer. */
  // biome-ignore lint/suspicious/noExplicitAny: the raw command input, whatever its shape.
  beforeSend: ((command: string, input: any) => void) | undefined;
  /** Page size of AdminListGroupsForUser, small by default so pagination is exercised. */
  groupsPageSize: number;
  readonly appClients = new Map<string, FakeAppClient>();
  /** Runs for SignUp, as the pool's PreSignUp trigger would. */
  preSignUp: FakePreSignUp | undefined;
  readonly userPoolId = 'ap-northeast-1_fake';
  private readonly random: () => number;
  private readonly injected: { command: string; error: Error }[] = [];
  private subCounter = 0;

  /**
   * The pool's UsernameAttributes: set, users are created with an email or phone number in place of a username,
   * named by a generated username equal to their sub, and found by either wherever a username goes (as Cognito does).
   */
  readonly usernameAttributes: readonly ('email' | 'phone_number')[];

  /** What the pool verifies by sending a code: its posture (nothing on standby). */
  autoVerifiedAttributes: string[] = [];

  /** The schema DescribeUserPool reports; none by default (a user may then carry any attribute). */
  schemaAttributes: SchemaAttributeType[] = [];

  constructor(
    options: {
      throttleRate?: number;
      seed?: number;
      groupsPageSize?: number;
      usernameAttributes?: readonly ('email' | 'phone_number')[];
    } = {},
  ) {
    this.usernameAttributes = options.usernameAttributes ?? [];
    this.throttleRate = options.throttleRate ?? 0;
    this.groupsPageSize = options.groupsPageSize ?? 2;
    this.random = seededRandom(options.seed ?? 1);
  }

  /**
   * A client whose sends land here. An instance of the real client class, because the SDK's paginators refuse any
   * other (`config.client instanceof CognitoIdentityProviderClient`).
   */
  get client(): CognitoIdentityProviderClient {
    this.asClient ??= Object.assign(Object.create(CognitoIdentityProviderClient.prototype), {
      send: (command: unknown) => this.send(command as never),
      destroy: () => {},
    }) as CognitoIdentityProviderClient;
    return this.asClient;
  }

  private asClient: CognitoIdentityProviderClient | undefined;

  /** Adds a user directly (no checks), e.g. the primary pool's state for a capture test. */
  addUser(
    user: Omit<FakeUser, 'attributes'> & { attributes?: Record<string, string> },
    groups: string[] = [],
  ) {
    this.subCounter++;
    const attributes = { sub: `sub-${this.subCounter}`, ...user.attributes };
    this.users.set(user.username, { ...user, attributes });
    for (const group of groups) this.memberSet(group).add(user.username);
  }

  addGroup(group: string, info: GroupInfo = {}): void {
    this.memberSet(group);
    this.groupInfo.set(group, { ...info });
  }

  /** The group as GetGroup and ListGroups answer it. */
  groupOf(GroupName: string) {
    return { GroupName, ...this.groupInfo.get(GroupName) };
  }

  /** The user as planConvergence sees it (MFA settings only where there are some), or null. */
  state(username: string): TargetUserState | null {
    const user = this.users.get(username);
    if (!user) return null;
    return {
      attributes: { ...user.attributes },
      enabled: user.enabled,
      status: user.status,
      groups: this.groupsOf(username),
      ...(user.mfa ? { mfa: structuredClone(user.mfa) } : {}),
    };
  }

  addAppClient(client: FakeAppClient): void {
    this.appClients.set(client.clientId, client);
  }

  /** The next call of `command` fails with `error`. */
  failNext(command: string, error: Error): void {
    this.injected.push({ command, error });
  }

  async send(command: AnyCommand): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.calls.push(name);
    const injected = this.injected.findIndex((entry) => entry.command === name);
    if (injected >= 0) {
      const [entry] = this.injected.splice(injected, 1);
      throw entry?.error;
    }
    if (this.throttleRate > 0 && this.random() < this.throttleRate) {
      throw new TooManyRequestsException({ message: 'Too many requests', ...meta });
    }
    const input = command.input;
    this.beforeSend?.(name, input);
    switch (name) {
      case 'AdminGetUser': {
        const user = this.requireUser(input.Username);
        return {
          Username: user.username,
          UserAttributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
          Enabled: user.enabled,
          UserStatus: user.status,
          ...(user.mfa?.enabled.length ? { UserMFASettingList: [...user.mfa.enabled] } : {}),
          ...(user.mfa?.preferred ? { PreferredMfaSetting: user.mfa.preferred } : {}),
        };
      }
      case 'AdminSetUserMFAPreference':
        return this.setMfaPreference(this.requireUser(input.Username), input);
      case 'AdminLinkProviderForUser': {
        const { SourceUser: source, DestinationUser: destination } = input;
        if (source.ProviderAttributeName !== 'Cognito_Subject' || destination.ProviderName !== 'Cognito') {
          throw new InvalidParameterException({ message: 'Invalid SourceUser or DestinationUser', ...meta });
        }
        if (!this.identityProviders.has(source.ProviderName)) {
          throw new ResourceNotFoundException({ message: 'Identity provider does not exist.', ...meta });
        }
        const user = this.requireUser(destination.ProviderAttributeValue);
        this.setLinks(user, [
          ...this.linksOf(user).filter((link) => !sameLink(link, source)),
          { providerName: source.ProviderName, userId: source.ProviderAttributeValue },
        ]);
        return {};
      }
      case 'AdminDisableProviderForUser': {
        const holder = [...this.users.values()].find((user) =>
          this.linksOf(user).some((link) => sameLink(link, input.User)),
        );
        if (!holder) throw new UserNotFoundException({ message: 'User does not exist.', ...meta });
        this.setLinks(
          holder,
          this.linksOf(holder).filter((link) => !sameLink(link, input.User)),
        );
        return {};
      }
      case 'AdminListGroupsForUser': {
        const all = this.groupsOf(this.requireUser(input.Username).username);
        const start = input.NextToken ? Number(input.NextToken) : 0;
        const size = Math.min(input.Limit ?? 60, this.groupsPageSize);
        const end = start + size;
        return {
          Groups: all.slice(start, end).map((GroupName) => ({ GroupName })),
          NextToken: end < all.length ? String(end) : undefined,
        };
      }
      case 'AdminCreateUser': {
        this.createInputs.push(structuredClone(input));
        if (this.findUser(input.Username)) {
          throw new UsernameExistsException({ message: 'User account already exists', ...meta });
        }
        const attributes = this.named(input.Username, this.writable(input.UserAttributes ?? []));
        this.subCounter++;
        const sub = `backup-sub-${this.subCounter}`;
        const username = this.usernameAttributes.length > 0 ? sub : input.Username;
        this.users.set(username, {
          username,
          attributes: { sub, ...dropEmpty(attributes) },
          enabled: true,
          status: 'FORCE_CHANGE_PASSWORD',
        });
        return { User: { Username: username, Attributes: [{ Name: 'sub', Value: sub }] } };
      }
      case 'SignUp':
        return this.signUp(input);
      case 'DescribeUserPoolClient': {
        const client = this.appClients.get(input.ClientId);
        if (!client)
          throw new ResourceNotFoundException({ message: 'User pool client does not exist', ...meta });
        return {
          UserPoolClient: { ClientId: client.clientId, ClientName: client.name, ClientSecret: client.secret },
        };
      }
      case 'ListUserPoolClients':
        return {
          UserPoolClients: [...this.appClients.values()].map((c) => ({
            ClientId: c.clientId,
            ClientName: c.name,
          })),
        };
      case 'AdminSetUserPassword': {
        const user = this.requireUser(input.Username);
        if (!strongEnough(input.Password)) {
          throw new InvalidPasswordException({ message: 'Password does not conform to policy', ...meta });
        }
        user.password = input.Password;
        user.status = input.Permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
        return {};
      }
      case 'AdminUpdateUserAttributes': {
        const user = this.requireUser(input.Username);
        const updates = this.writable(input.UserAttributes ?? []);
        for (const attribute of this.usernameAttributes) {
          const holder = updates[attribute] ? this.findUser(updates[attribute]) : undefined;
          if (holder && holder !== user) {
            throw new AliasExistsException({
              message: 'An account with the given email already exists.',
              ...meta,
            });
          }
        }
        for (const [contact, flag] of Object.entries(CONTACT_FLAGS)) {
          if (flag in updates && !(contact in updates)) {
            throw new InvalidParameterException({ message: `${flag} requires ${contact}`, ...meta });
          }
          if (contact in updates && !(flag in updates)) updates[flag] = 'false';
        }
        for (const [attribute, value] of Object.entries(updates)) {
          if (value === '') delete user.attributes[attribute];
          else user.attributes[attribute] = value;
        }
        return {};
      }
      case 'AdminDeleteUserAttributes': {
        const user = this.requireUser(input.Username);
        for (const attribute of input.UserAttributeNames as string[]) {
          if (READ_ONLY(attribute)) {
            throw new InvalidParameterException({ message: `${attribute} cannot be deleted`, ...meta });
          }
          delete user.attributes[attribute];
        }
        return {};
      }
      case 'AdminConfirmSignUp': {
        const user = this.requireUser(input.Username);
        if (user.status !== 'UNCONFIRMED') {
          throw new NotAuthorizedException({
            message: 'User cannot be confirmed. Current status is CONFIRMED',
            ...meta,
          });
        }
        user.status = 'CONFIRMED';
        return {};
      }
      case 'AdminEnableUser':
        this.requireUser(input.Username).enabled = true;
        return {};
      case 'AdminDisableUser':
        this.requireUser(input.Username).enabled = false;
        return {};
      case 'GetGroup':
        if (!this.groups.has(input.GroupName)) {
          throw new ResourceNotFoundException({ message: 'Group not found', ...meta });
        }
        return { Group: this.groupOf(input.GroupName) };
      case 'CreateGroup':
        if (this.groups.has(input.GroupName)) {
          throw new GroupExistsException({ message: 'A group with the name already exists', ...meta });
        }
        this.addGroup(input.GroupName, infoOf(input));
        return { Group: this.groupOf(input.GroupName) };
      case 'UpdateGroup':
        if (!this.groups.has(input.GroupName)) {
          throw new ResourceNotFoundException({ message: 'Group not found', ...meta });
        }
        // As Cognito does: what the call leaves out is reset, not kept.
        this.groupInfo.set(input.GroupName, infoOf(input));
        return { Group: this.groupOf(input.GroupName) };
      case 'DeleteGroup':
        if (!this.groups.delete(input.GroupName)) {
          throw new ResourceNotFoundException({ message: 'Group not found', ...meta });
        }
        this.groupInfo.delete(input.GroupName);
        return {};
      case 'AdminAddUserToGroup': {
        const members = this.groups.get(input.GroupName);
        if (!members) throw new ResourceNotFoundException({ message: 'Group not found', ...meta });
        members.add(this.requireUser(input.Username).username);
        return {};
      }
      case 'AdminRemoveUserFromGroup': {
        const members = this.groups.get(input.GroupName);
        if (!members) throw new ResourceNotFoundException({ message: 'Group not found', ...meta });
        members.delete(this.requireUser(input.Username).username);
        return {};
      }
      case 'AdminDeleteUser': {
        const { username } = this.requireUser(input.Username);
        this.users.delete(username);
        for (const members of this.groups.values()) members.delete(username);
        return {};
      }
      case 'DescribeUserPool':
        return {
          UserPool: {
            Id: input.UserPoolId,
            EstimatedNumberOfUsers: this.users.size,
            AutoVerifiedAttributes: [...this.autoVerifiedAttributes],
            ...(this.schemaAttributes.length > 0
              ? { SchemaAttributes: structuredClone(this.schemaAttributes) }
              : {}),
            ...(this.usernameAttributes.length > 0
              ? { UsernameAttributes: [...this.usernameAttributes] }
              : {}),
          },
        };
      default:
        throw new Error(`FakeUserPool does not implement ${name}`);
    }
  }

  /** SignUp as Cognito does it: client and SECRET_HASH checked, PreSignUp run, the user created from its answer. */
  private async signUp(input: {
    ClientId: string;
    SecretHash?: string;
    Username: string;
    Password: string;
    UserAttributes?: NameValue[];
    ClientMetadata?: Record<string, string>;
  }): Promise<unknown> {
    const client = this.appClients.get(input.ClientId);
    if (!client) throw new ResourceNotFoundException({ message: 'User pool client does not exist', ...meta });
    if (client.secret !== undefined) {
      if (input.SecretHash !== secretHash(client.secret, input.Username, input.ClientId)) {
        throw new NotAuthorizedException({ message: 'Client secret hash does not match', ...meta });
      }
    }
    if (this.findUser(input.Username)) {
      throw new UsernameExistsException({ message: 'User already exists', ...meta });
    }
    const attributes = this.named(input.Username, this.writable(input.UserAttributes ?? []));
    const refused = Object.keys(attributes).find((name) => client.writeAttributes?.includes(name) === false);
    if (refused) {
      throw new NotAuthorizedException({
        message: 'A client attempted to write unauthorized attribute',
        ...meta,
      });
    }
    let answer: Awaited<ReturnType<FakePreSignUp>> = {};
    if (this.preSignUp) {
      try {
        answer = await this.preSignUp({
          triggerSource: 'PreSignUp_SignUp',
          userPoolId: this.userPoolId,
          userName: input.Username,
          callerContext: { clientId: input.ClientId },
          request: { userAttributes: { ...attributes }, clientMetadata: input.ClientMetadata },
          response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
        });
      } catch (error) {
        throw new UserLambdaValidationException({
          message: `PreSignUp failed with error ${(error as Error).message}.`,
          ...meta,
        });
      }
    }
    if (answer.autoVerifyEmail && attributes.email) attributes.email_verified = 'true';
    if (answer.autoVerifyPhone && attributes.phone_number) attributes.phone_number_verified = 'true';
    this.subCounter++;
    const username = this.usernameAttributes.length > 0 ? `backup-sub-${this.subCounter}` : input.Username;
    this.users.set(username, {
      username,
      attributes: { sub: `backup-sub-${this.subCounter}`, ...dropEmpty(attributes) },
      enabled: true,
      status: answer.autoConfirmUser ? 'CONFIRMED' : 'UNCONFIRMED',
      password: input.Password,
    });
    return { UserConfirmed: answer.autoConfirmUser === true, UserSub: `backup-sub-${this.subCounter}` };
  }

  /** The pool's identity providers, by name: a link to any other is refused (ResourceNotFoundException). */
  readonly identityProviders = new Set<string>(['Google']);

  private linksOf(user: FakeUser): { providerName: string; userId: string }[] {
    return user.attributes.identities ? JSON.parse(user.attributes.identities) : [];
  }

  /** Kept as Cognito keeps them: the `identities` attribute, JSON. */
  private setLinks(user: FakeUser, links: { providerName: string; userId: string }[]): void {
    if (links.length > 0) user.attributes.identities = JSON.stringify(links);
    else delete user.attributes.identities;
  }

  /** As Cognito: a factor is turned on only for a user with somewhere to send its codes. */
  private setMfaPreference(
    user: FakeUser,
    input: Record<string, { Enabled?: boolean; PreferredMfa?: boolean } | undefined>,
  ): unknown {
    const enabled = new Set<string>(user.mfa?.enabled ?? []);
    let preferred: string | undefined = user.mfa?.preferred;
    for (const [key, factor, contact] of [
      ['SMSMfaSettings', 'SMS_MFA', 'phone_number'],
      ['EmailMfaSettings', 'EMAIL_OTP', 'email'],
    ] as const) {
      const setting = input[key];
      if (!setting) continue;
      if (setting.Enabled || setting.PreferredMfa) {
        if (!user.attributes[contact]) {
          throw new InvalidParameterException({
            message: `User does not have delivery config set to turn on ${factor}`,
            ...meta,
          });
        }
        enabled.add(factor);
      } else enabled.delete(factor);
      if (setting.PreferredMfa) preferred = factor;
      else if (preferred === factor) preferred = undefined;
    }
    const mfa = mfaOf(enabled, preferred);
    if (mfa) user.mfa = mfa;
    else delete user.mfa;
    return {};
  }

  private requireUser(username: string): FakeUser {
    const user = this.findUser(username);
    if (!user) throw new UserNotFoundException({ message: 'User does not exist.', ...meta });
    return user;
  }

  /** The user of this username, or, where the pool names users by them, of this email or phone number. */
  findUser(name: string): FakeUser | undefined {
    const named = this.users.get(name);
    if (named || this.usernameAttributes.length === 0) return named;
    const wanted = name.toLowerCase();
    return [...this.users.values()].find((user) =>
      this.usernameAttributes.some((attribute) => user.attributes[attribute]?.toLowerCase() === wanted),
    );
  }

  /** A new user's attributes: where the pool names users by email or phone number, the one given as username. */
  private named(requested: string, attributes: Record<string, string>): Record<string, string> {
    if (this.usernameAttributes.length === 0) return attributes;
    const attribute = this.usernameAttributes.find((name) =>
      name === 'email' ? requested.includes('@') : /^\+[0-9]+$/.test(requested),
    );
    if (!attribute) {
      throw new InvalidParameterException({
        message: `Username should be ${this.usernameAttributes.join(' or ')}.`,
        ...meta,
      });
    }
    return { [attribute]: requested, ...attributes };
  }

  private writable(list: NameValue[]): Record<string, string> {
    const attributes: Record<string, string> = {};
    for (const { Name, Value } of list) {
      if (READ_ONLY(Name)) {
        throw new InvalidParameterException({
          message: `${Name}: cannot be written by an administrator`,
          ...meta,
        });
      }
      attributes[Name] = Value ?? '';
    }
    return attributes;
  }

  private memberSet(group: string): Set<string> {
    let members = this.groups.get(group);
    if (!members) {
      members = new Set();
      this.groups.set(group, members);
    }
    return members;
  }

  private groupsOf(username: string): string[] {
    return [...this.groups.entries()]
      .filter(([, members]) => members.has(username))
      .map(([group]) => group)
      .sort();
  }
}

/** What a group is besides its name and members, as CreateGroup and UpdateGroup take it. */
export interface GroupInfo {
  Description?: string;
  Precedence?: number;
  RoleArn?: string;
}

function infoOf(input: GroupInfo): GroupInfo {
  const info: GroupInfo = {};
  if (input.Description !== undefined) info.Description = input.Description;
  if (input.Precedence !== undefined) info.Precedence = input.Precedence;
  if (input.RoleArn !== undefined) info.RoleArn = input.RoleArn;
  return info;
}

function dropEmpty(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== ''));
}

function strongEnough(password: unknown): boolean {
  return (
    typeof password === 'string' &&
    password.length >= 8 &&
    /[a-z]/.test(password) &&
    /[A-Z]/.test(password) &&
    /[0-9]/.test(password) &&
    /[^a-zA-Z0-9]/.test(password)
  );
}
