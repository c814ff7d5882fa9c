// LOCAL ONLY: the parts of cognito-local (its services, its errors, the shape it keeps users and pools in) that the
// fidelity layer reads or replaces, typed as narrowly as the layer uses them.
export type Ctx = { logger?: unknown; [key: string]: unknown };
export type Attribute = { Name: string; Value?: string };

export interface LocalUser {
  Username: string;
  Attributes: Attribute[];
  Enabled: boolean;
  UserStatus: string;
  Password?: string;
  [key: string]: unknown;
}

export interface PoolOptions {
  Id: string;
  AutoVerifiedAttributes?: string[];
  UsernameAttributes?: string[];
  AliasAttributes?: string[];
  UsernameConfiguration?: { CaseSensitive?: boolean };
  AccountRecoverySetting?: { RecoveryMechanisms?: { Name: string; Priority: number }[] };
  [key: string]: unknown;
}

/** cognito-local's data store of one pool (its users, groups and options under keys). */
export interface DataStore {
  get<T>(ctx: Ctx, key: string | string[], defaults?: T): Promise<T | null>;
  set<T>(ctx: Ctx, key: string | string[], value: T): Promise<void>;
  delete(ctx: Ctx, key: string | string[]): Promise<void>;
}

export interface UserPool {
  options: PoolOptions;
  dataStore: DataStore;
  getUserByUsername(ctx: Ctx, username: string): Promise<LocalUser | null>;
  saveUser(ctx: Ctx, user: LocalUser): Promise<void>;
  updateOptions(ctx: Ctx, options: PoolOptions): Promise<void>;
  listUserGroupMembership(ctx: Ctx, user: LocalUser): Promise<string[]>;
  storeRefreshToken(ctx: Ctx, token: unknown, user: LocalUser): Promise<void>;
}

export interface LambdaService {
  enabled(trigger: string): boolean;
  invoke(
    ctx: Ctx,
    trigger: string,
    event: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined>;
  config: Record<string, string | undefined>;
  lambdaClient: {
    invoke(params: object): { promise(): Promise<{ FunctionError?: string; Payload?: unknown }> };
  };
}

export interface DeliveryDetails {
  AttributeName: string;
  DeliveryMedium: 'EMAIL' | 'SMS';
  Destination: string;
}

/** cognito-local's token issuer: a user's ID, access and refresh tokens for an app client. */
export interface TokenGenerator {
  generate(
    ctx: Ctx,
    user: LocalUser,
    groups: string[],
    client: unknown,
    clientMetadata: unknown,
    source: string,
  ): Promise<Record<string, unknown>>;
}

export interface CognitoLocalServices {
  tokenGenerator: TokenGenerator;
  /** cognito-local's TOTP implementation (otplib), as its authenticator-app codes are checked. */
  totp: { verify(secret: string, code: string): boolean; generateSecret(): string };
  cognito: {
    getUserPool(ctx: Ctx, userPoolId: string): Promise<UserPool>;
    getUserPoolForClientId(ctx: Ctx, clientId: string): Promise<UserPool>;
    listUserPools(ctx: Ctx): Promise<{ Id: string }[]>;
    getAppClient(
      ctx: Ctx,
      clientId: string,
    ): Promise<{ WriteAttributes?: string[]; ClientSecret?: string; UserPoolId?: string } | null>;
  };
  clock: { get(): Date };
  otp: () => string;
  messages: {
    deliver(
      ctx: Ctx,
      source: string,
      clientId: string | null,
      userPoolId: string,
      user: LocalUser,
      code: string,
      clientMetadata: unknown,
      deliveryDetails: DeliveryDetails,
    ): Promise<void>;
  };
  triggers: {
    lambda: LambdaService;
    enabled(trigger: string): boolean;
    customMessage: unknown;
    userMigration: unknown;
    preSignUp(ctx: Ctx, input: Record<string, unknown>): Promise<unknown>;
    postConfirmation(ctx: Ctx, input: Record<string, unknown>): Promise<unknown>;
    postAuthentication(ctx: Ctx, input: Record<string, unknown>): Promise<unknown>;
  };
}

export type Request = Record<string, unknown>;
export type Target = (ctx: Ctx, req: Request) => Promise<unknown>;
export type Router = (target: string) => Target;
/** Changes how one cognito-local operation behaves; gets the operation as cognito-local implements it. */
export type Wrapper = (target: Target) => Target;

export interface CognitoLocalErrors {
  CognitoError: new (code: string, message: string) => Error;
  NotAuthorizedError: new (message?: string) => Error;
  UserNotFoundError: new (message?: string) => Error;
  InvalidParameterError: new (message?: string) => Error;
  UsernameExistsError: new () => Error;
}

/** A Cognito error by its exception name, as a client sees it (`error.name`). */
export const cognitoError = (errors: CognitoLocalErrors, name: string, message: string): Error =>
  new errors.CognitoError(name, message);

export const attributeValue = (attributes: Attribute[] | undefined, name: string): string | undefined =>
  attributes?.find((a) => a.Name === name)?.Value;

export const attributeRecord = (attributes: Attribute[]): Record<string, string> =>
  Object.fromEntries(attributes.filter((a) => a.Value !== undefined).map((a) => [a.Name, a.Value as string]));

/** A claim of a token cognito-local issued, read without verifying it (cognito-local verifies where it matters). */
export const tokenClaim = (token: unknown, claim: string): string | undefined => {
  try {
    const payload = JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload[claim] === 'string' ? payload[claim] : undefined;
  } catch {
    return undefined;
  }
};
