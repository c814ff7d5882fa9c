// LOCAL ONLY: the pool's Lambda triggers as Cognito runs them where cognito-local differs: a failing CustomMessage
// fails the call, UserMigration users keep their name and get a sub, ForgotPassword runs UserMigration for a user
// the pool lacks, AdminCreateUser runs PreSignUp, a password sign-in runs PreAuthentication, and an uninvokable
// trigger has Cognito's exception name.
import { randomUUID } from 'node:crypto';
import {
  type Attribute,
  attributeRecord,
  type CognitoLocalErrors,
  type CognitoLocalServices,
  type Ctx,
  cognitoError,
  type LocalUser,
  type Target,
  type UserPool,
  type Wrapper,
} from './cognito-local';

const AWS_USERNAME_PARAMETER = '{username}';
const AWS_CODE_PARAMETER = '{####}';
/** What Cognito puts in callerContext.clientId when an administrator's call runs a trigger. */
export const ADMIN_CALLER_CLIENT_ID = 'CLIENT_ID_NOT_APPLICABLE';

const attributeList = (attributes: Record<string, string>): Attribute[] =>
  Object.entries(attributes)
    .filter(([name]) => name !== 'username')
    .map(([Name, Value]) => ({ Name, Value }));
const withSub = (attributes: Attribute[]) =>
  attributes.some((a) => a.Name === 'sub')
    ? attributes
    : [{ Name: 'sub', Value: randomUUID() }, ...attributes];

/** Replaces cognito-local's trigger runners where they differ; returns the wrappers of the calls they change. */
export function cognitoTriggers(
  services: Pick<CognitoLocalServices, 'cognito' | 'clock' | 'triggers'>,
  errors: CognitoLocalErrors,
): Record<string, Wrapper> {
  const { cognito, clock, triggers } = services;
  const lambda = triggers.lambda;

  // The trigger's error reaches the caller (cognito-local's LambdaService raises UserLambdaValidationError).
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
      userAttributes: attributeRecord(input.userAttributes),
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
      Attributes: withSub(attributeList((result.userAttributes as Record<string, string> | undefined) ?? {})),
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

  // Same call as cognito-local's, with the user named and given a sub as Cognito does.
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

  // cognito-local cannot build this trigger's event, so it is sent to the function directly.
  const migrateForReset = async (ctx: Ctx, pool: UserPool, req: Record<string, unknown>) => {
    const functionName = lambda.config.UserMigration;
    if (!functionName) return;
    const event = {
      version: '1',
      triggerSource: 'UserMigration_ForgotPassword',
      region: 'local',
      userPoolId: pool.options.Id,
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

  return {
    ForgotPassword: (target) => async (ctx, req) => {
      const pool = await cognito.getUserPoolForClientId(ctx, String(req.ClientId));
      if (!(await pool.getUserByUsername(ctx, String(req.Username))) && triggers.enabled('UserMigration')) {
        await migrateForReset(ctx, pool, req);
      }
      return target(ctx, req);
    },
    // Cognito runs PreSignUp for AdminCreateUser too, ignores its answers (Developer Guide, "Pre sign-up Lambda
    // trigger": autoConfirmUser and autoVerify* are ignored for AdminCreateUser) and fails the call on its error.
    AdminCreateUser: (target) => async (ctx, req) => {
      if (triggers.enabled('PreSignUp')) {
        await lambda.invoke(ctx, 'PreSignUp', {
          clientId: ADMIN_CALLER_CLIENT_ID,
          clientMetadata: req.ClientMetadata,
          triggerSource: 'PreSignUp_AdminCreateUser',
          userAttributes: attributeRecord((req.UserAttributes as Attribute[] | undefined) ?? []),
          username: req.Username,
          userPoolId: req.UserPoolId,
          validationData: attributeRecord((req.ValidationData as Attribute[] | undefined) ?? []),
        });
      }
      return target(ctx, req);
    },
  };
}

/** The sign-in flows that check a password, by the call that starts them: PreAuthentication runs before each. */
const PASSWORD_FLOWS: Record<string, readonly string[]> = {
  InitiateAuth: ['USER_PASSWORD_AUTH', 'USER_SRP_AUTH'],
  AdminInitiateAuth: ['ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH'],
};

/**
 * Cognito runs PreAuthentication when a password sign-in starts, before the password or MFA is looked at, and fails
 * the sign-in with UserLambdaValidationException when it fails (Developer Guide, "Pre authentication Lambda
 * trigger"). For a user the pool lacks it runs only through an app client that hides whether users exist
 * (PreventUserExistenceErrors ENABLED), with userNotFound set. A refreshed session does not run it. cognito-local
 * runs no PreAuthentication at all; its event is sent to the function directly, as cognito-local cannot build it.
 * Installed outside the MFA layer, which answers challenged sign-ins itself.
 */
export function preAuthentication(
  services: Pick<CognitoLocalServices, 'cognito' | 'triggers'>,
  errors: CognitoLocalErrors,
): Record<string, Wrapper> {
  const { cognito, triggers } = services;
  const lambda = triggers.lambda;
  const wrapper =
    (operation: string): Wrapper =>
    (target) =>
    async (ctx, req) => {
      const username = (req.AuthParameters as Record<string, string> | undefined)?.USERNAME;
      const functionName = lambda.config.PreAuthentication;
      if (!functionName || !username || !PASSWORD_FLOWS[operation]?.includes(String(req.AuthFlow))) {
        return target(ctx, req);
      }
      const pool = req.UserPoolId
        ? await cognito.getUserPool(ctx, String(req.UserPoolId))
        : await cognito.getUserPoolForClientId(ctx, String(req.ClientId));
      const user = await pool.getUserByUsername(ctx, username);
      if (!user) {
        const client = (await cognito.getAppClient(ctx, String(req.ClientId))) as {
          PreventUserExistenceErrors?: string;
        } | null;
        if (client?.PreventUserExistenceErrors !== 'ENABLED') return target(ctx, req);
      }
      const event = {
        version: '1',
        triggerSource: 'PreAuthentication_Authentication',
        region: 'local',
        userPoolId: pool.options.Id,
        userName: user?.Username ?? username,
        callerContext: { awsSdkVersion: 'cognito-local', clientId: req.ClientId },
        request: {
          userAttributes: user ? attributeRecord(user.Attributes) : {},
          validationData: req.ClientMetadata ?? {},
          ...(user ? {} : { userNotFound: true }),
        },
        response: {},
      };
      let answer: { FunctionError?: string; Payload?: unknown };
      try {
        answer = await lambda.lambdaClient
          .invoke({
            FunctionName: functionName,
            InvocationType: 'RequestResponse',
            Payload: JSON.stringify(event),
          })
          .promise();
      } catch {
        throw cognitoError(errors, 'UnexpectedLambdaException', 'PreAuthentication invocation failed.');
      }
      if (answer.FunctionError) {
        const { errorMessage } = JSON.parse(String(answer.Payload ?? '{}')) as { errorMessage?: string };
        throw cognitoError(
          errors,
          'UserLambdaValidationException',
          `PreAuthentication failed with error ${errorMessage ?? answer.FunctionError}.`,
        );
      }
      return target(ctx, req);
    };
  return { InitiateAuth: wrapper('InitiateAuth'), AdminInitiateAuth: wrapper('AdminInitiateAuth') };
}

/** Cognito's name for a trigger that cannot be invoked, on every call that runs one. */
export const withCognitoErrorNames =
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
