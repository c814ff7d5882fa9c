// LOCAL ONLY: where cognito-local behaves unlike Cognito in ways this project depends on, the local emulator is
// given Cognito's behaviour here, one documented difference at a time, so tests prove what AWS would do:
//   1. A disabled user cannot sign in (NotAuthorizedException "User is disabled."); cognito-local lets them.
//   2. An app client writes only its WriteAttributes, at sign-up and with a user's own token; cognito-local
//      writes anything.
//   3. A CustomMessage trigger that fails fails the call, so nothing is sent; cognito-local swallows the error and
//      sends its default message.
//   4. A user created by the UserMigration trigger keeps the username they signed in with and gets a sub of their
//      own; cognito-local names them after a `username` attribute (or a random id) and gives them no sub.
//   5. ForgotPassword for a user the pool lacks runs UserMigration (UserMigration_ForgotPassword) first;
//      cognito-local answers UserNotFoundException.
//   6. SignUp through an app client with a secret needs the right SECRET_HASH; cognito-local checks none.
//   7. SignUp in a pool that auto-verifies nothing (AutoVerifiedAttributes [], a standby pool) sends no code and
//      succeeds; cognito-local fails it ("User has no attribute matching desired auto verified attributes")
//      unless the list is absent altogether, so an empty list is shown to it as absent.
//   8. A trigger that cannot be invoked (or times out) fails the call with UnexpectedLambdaException; cognito-local
//      names it UnexpectedLambdaExceptionException, which no client knows.
import { randomUUID } from 'node:crypto';
import { secretHash } from '@cognito-dr/shared';

type Ctx = unknown;
type Attribute = { Name: string; Value?: string };
interface LocalUser {
  Username: string;
  Attributes: Attribute[];
  Enabled: boolean;
  UserStatus: string;
  Password?: string;
  [key: string]: unknown;
}
interface UserPool {
  options: { AutoVerifiedAttributes?: string[]; [key: string]: unknown };
  getUserByUsername(ctx: Ctx, username: string): Promise<LocalUser | null>;
  saveUser(ctx: Ctx, user: LocalUser): Promise<void>;
}
interface LambdaService {
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
export interface CognitoLocalServices {
  cognito: {
    getUserPoolForClientId(ctx: Ctx, clientId: string): Promise<UserPool>;
    getAppClient(
      ctx: Ctx,
      clientId: string,
    ): Promise<{ WriteAttributes?: string[]; ClientSecret?: string } | null>;
  };
  clock: { get(): Date };
  triggers: {
    lambda: LambdaService;
    enabled(trigger: string): boolean;
    customMessage: unknown;
    userMigration: unknown;
  };
}
type Target = (ctx: Ctx, req: Record<string, unknown>) => Promise<unknown>;
export type Router = (target: string) => Target;
export interface CognitoLocalErrors {
  NotAuthorizedError: new (message?: string) => Error;
  UserNotFoundError: new (message?: string) => Error;
}

const AWS_USERNAME_PARAMETER = '{username}';
const AWS_CODE_PARAMETER = '{####}';

const record = (attributes: Attribute[]) =>
  Object.fromEntries(attributes.filter((a) => a.Value !== undefined).map((a) => [a.Name, a.Value as string]));
const list = (attributes: Record<string, string>): Attribute[] =>
  Object.entries(attributes)
    .filter(([name]) => name !== 'username')
    .map(([Name, Value]) => ({ Name, Value }));
const withSub = (attributes: Attribute[]) =>
  attributes.some((a) => a.Name === 'sub')
    ? attributes
    : [{ Name: 'sub', Value: randomUUID() }, ...attributes];

/** Applies the differences above to a composed cognito-local; returns the router to serve. */
export function cognitoFidelity(
  services: CognitoLocalServices,
  router: Router,
  errors: CognitoLocalErrors,
): Router {
  const { cognito, clock, triggers } = services;
  const lambda = triggers.lambda;

  // 7. Every other reader of the list treats [] and absent alike (`?? []`, `?.length`): only SignUp tells them
  // apart, so the pool a client belongs to is handed out with an empty list left out. A view, not a copy: the
  // pool's own options stay as DescribeUserPool reports them.
  const poolForClient = cognito.getUserPoolForClientId.bind(cognito);
  cognito.getUserPoolForClientId = async (ctx, clientId) => {
    const pool = await poolForClient(ctx, clientId);
    if (pool.options.AutoVerifiedAttributes?.length !== 0) return pool;
    const { AutoVerifiedAttributes: _none, ...options } = pool.options;
    return Object.create(pool, { options: { value: options } }) as UserPool;
  };

  // 3. The trigger's error reaches the caller (cognito-local's LambdaService raises UserLambdaValidationError).
  triggers.customMessage = async (
    ctx: Ctx,
    input: {
      clientId: string;
      clientMetadata?: unknown;
      code: string;
      source: string;
      userAttributes: Attribute[];
      username: string;
      userPoolId: string;
    },
  ) => {
    const response = await lambda.invoke(ctx, 'CustomMessage', {
      clientId: input.clientId,
      clientMetadata: input.clientMetadata,
      codeParameter: AWS_CODE_PARAMETER,
      triggerSource: input.source,
      userAttributes: record(input.userAttributes),
      username: input.username,
      usernameParameter: AWS_USERNAME_PARAMETER,
      userPoolId: input.userPoolId,
    });
    const fill = (text: unknown) =>
      typeof text === 'string' && text
        ? text.replace(AWS_CODE_PARAMETER, input.code).replace(AWS_USERNAME_PARAMETER, input.username)
        : undefined;
    return {
      emailMessage: fill(response?.emailMessage),
      emailSubject: response?.emailSubject || undefined,
      smsMessage: fill(response?.smsMessage),
    };
  };

  const migrated = async (
    ctx: Ctx,
    pool: UserPool,
    username: string,
    password: string | undefined,
    result: Record<string, unknown>,
  ) => {
    const now = clock.get();
    const user: LocalUser = {
      Attributes: withSub(list((result.userAttributes as Record<string, string> | undefined) ?? {})),
      Enabled: true,
      Password: password,
      UserCreateDate: now,
      UserLastModifiedDate: now,
      Username: username,
      UserStatus: (result.finalUserStatus as string | undefined) ?? 'CONFIRMED',
      RefreshTokens: [],
    };
    await pool.saveUser(ctx, user);
    return user;
  };

  // 4. Same call as cognito-local's, with the user named and given a sub as Cognito does.
  triggers.userMigration = async (
    ctx: Ctx,
    input: {
      clientId: string;
      clientMetadata?: unknown;
      password: string;
      username: string;
      userPoolId: string;
      validationData?: unknown;
    },
  ) => {
    const pool = await cognito.getUserPoolForClientId(ctx, input.clientId);
    let result: Record<string, unknown> | undefined;
    try {
      result = await lambda.invoke(ctx, 'UserMigration', {
        clientId: input.clientId,
        clientMetadata: input.clientMetadata,
        password: input.password,
        triggerSource: 'UserMigration_Authentication',
        userAttributes: {},
        username: input.username,
        userPoolId: input.userPoolId,
        validationData: input.validationData,
      });
    } catch {
      throw new errors.NotAuthorizedError('Incorrect username or password.');
    }
    return migrated(ctx, pool, input.username, input.password, result ?? {});
  };

  // 5. cognito-local cannot build this trigger's event, so it is sent to the function directly.
  const migrateForReset = async (
    ctx: Ctx,
    pool: UserPool,
    req: Record<string, unknown>,
    userPoolId: string,
  ) => {
    const functionName = lambda.config.UserMigration;
    if (!functionName) return;
    const event = {
      version: '1',
      triggerSource: 'UserMigration_ForgotPassword',
      region: 'local',
      userPoolId,
      userName: req.Username,
      callerContext: { awsSdkVersion: 'cognito-local', clientId: req.ClientId },
      request: { clientMetadata: req.ClientMetadata ?? {}, validationData: {} },
      response: {},
    };
    const answer = await lambda.lambdaClient
      .invoke({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: JSON.stringify(event),
      })
      .promise();
    if (answer.FunctionError) throw new errors.UserNotFoundError('Username/client id combination not found.');
    const payload = JSON.parse(String(answer.Payload)) as { response?: Record<string, unknown> };
    await migrated(ctx, pool, String(req.Username), undefined, {
      finalUserStatus: 'RESET_REQUIRED',
      ...payload.response,
    });
  };

  const poolOf = (ctx: Ctx, clientId: unknown) => cognito.getUserPoolForClientId(ctx, String(clientId));

  // 2. What a client may write.
  const assertWritable = async (ctx: Ctx, clientId: unknown, attributes: unknown) => {
    const client = await cognito.getAppClient(ctx, String(clientId));
    const writable = client?.WriteAttributes;
    if (!Array.isArray(writable)) return;
    for (const { Name } of (attributes as Attribute[] | undefined) ?? []) {
      if (!writable.includes(Name))
        throw new errors.NotAuthorizedError('A client attempted to write unauthorized attribute');
    }
  };
  // 6. Cognito's answers, word for word.
  const assertSecretHash = async (ctx: Ctx, req: Record<string, unknown>) => {
    const client = await cognito.getAppClient(ctx, String(req.ClientId));
    if (!client?.ClientSecret) return;
    if (typeof req.SecretHash !== 'string') {
      throw new errors.NotAuthorizedError(
        `Client ${req.ClientId} is configured for secret but secret was not received`,
      );
    }
    if (req.SecretHash !== secretHash(client.ClientSecret, String(req.Username), String(req.ClientId))) {
      throw new errors.NotAuthorizedError(`Unable to verify secret hash for client ${req.ClientId}`);
    }
  };
  const clientOfToken = (token: unknown): string | undefined => {
    try {
      const payload = JSON.parse(
        Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString('utf8'),
      );
      return typeof payload.client_id === 'string' ? payload.client_id : undefined;
    } catch {
      return undefined;
    }
  };

  // 1. Disabled users.
  const refuseDisabled = async (ctx: Ctx, req: Record<string, unknown>) => {
    const username = (req.AuthParameters as Record<string, string> | undefined)?.USERNAME;
    if (!username) return;
    const pool = await poolOf(ctx, req.ClientId);
    const user = await pool.getUserByUsername(ctx, username);
    if (user && user.Enabled === false) throw new errors.NotAuthorizedError('User is disabled.');
  };

  const wrapped: Record<string, (target: Target) => Target> = {
    InitiateAuth: (target) => async (ctx, req) => {
      await refuseDisabled(ctx, req);
      return target(ctx, req);
    },
    AdminInitiateAuth: (target) => async (ctx, req) => {
      await refuseDisabled(ctx, req);
      return target(ctx, req);
    },
    SignUp: (target) => async (ctx, req) => {
      await assertSecretHash(ctx, req);
      await assertWritable(ctx, req.ClientId, req.UserAttributes);
      return target(ctx, req);
    },
    UpdateUserAttributes: (target) => async (ctx, req) => {
      const clientId = clientOfToken(req.AccessToken);
      if (clientId) await assertWritable(ctx, clientId, req.UserAttributes);
      return target(ctx, req);
    },
    ForgotPassword: (target) => async (ctx, req) => {
      const pool = await poolOf(ctx, req.ClientId);
      if (!(await pool.getUserByUsername(ctx, String(req.Username))) && triggers.enabled('UserMigration')) {
        await migrateForReset(
          ctx,
          pool,
          req,
          String((pool as unknown as { options: { Id: string } }).options.Id),
        );
      }
      return target(ctx, req);
    },
  };
  // 8. Cognito's name for it, on every call that runs a trigger.
  const withCognitoErrorNames =
    (target: Target): Target =>
    async (ctx, req) => {
      try {
        return await target(ctx, req);
      } catch (error) {
        const cognitoError = error as { code?: unknown };
        if (cognitoError.code === 'UnexpectedLambdaExceptionException')
          cognitoError.code = 'UnexpectedLambdaException';
        throw error;
      }
    };
  return (name) => {
    const target = router(name);
    return withCognitoErrorNames(wrapped[name]?.(target) ?? target);
  };
}
