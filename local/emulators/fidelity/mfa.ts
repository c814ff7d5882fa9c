// LOCAL ONLY: multi-factor authentication as Cognito does it. The pool's MFA configuration (SMS, email OTP, TOTP;
// OFF, OPTIONAL or ON) with its preconditions, each user's MFA preference as administrators and users set it, and
// sign-in that asks for the user's factor (the SMS or email code lands in the region's mailbox), lets a user with
// several choose, and in a pool that requires MFA makes a user with no usable factor enrol a TOTP app
// (MFA_SETUP). Rules from the Cognito Developer Guide ("Adding MFA to a user pool", "TOTP software token MFA") and
// the API reference.
import { randomUUID } from 'node:crypto';
import {
  attributeValue,
  type CognitoLocalErrors,
  type CognitoLocalServices,
  type Ctx,
  type LocalUser,
  type Request,
  tokenClaim,
  type UserPool,
  type Wrapper,
} from './cognito-local';

export type MfaFactor = 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP';
type MfaMode = 'OFF' | 'ON' | 'OPTIONAL';

/** How long a sign-in may wait on a challenge (Cognito: three minutes). */
export const SESSION_LIFETIME_MS = 3 * 60_000;

/** What the pool keeps of its MFA configuration, beside cognito-local's own options. */
interface PoolMfa {
  MfaConfiguration?: MfaMode;
  SmsAuthenticationMessage?: string;
  SmsConfiguration?: { SnsCallerArn?: string; ExternalId?: string; SnsRegion?: string };
  SoftwareTokenMfaConfiguration?: { Enabled?: boolean };
  /** Whether SMS MFA is on: SetUserPoolMfaConfig was given SmsMfaConfiguration. */
  SmsMfaEnabled?: boolean;
  EmailMfaConfiguration?: { Message?: string; Subject?: string };
  EmailConfiguration?: { EmailSendingAccount?: string };
}

/** What a user keeps of their MFA: the factors they enabled, the preferred one, a TOTP app, a sign-in underway. */
interface UserMfa {
  UserMFASettingList?: MfaFactor[];
  PreferredMfaSetting?: MfaFactor;
  SoftwareTokenMfaConfiguration?: { Secret?: string; Verified?: boolean; FriendlyDeviceName?: string };
  /** A sign-in waiting on a challenge: its Session, the challenge, the code sent (SMS or email), its deadline. */
  MfaChallenge?: { session: string; challenge: string; code?: string; expiresAt: number };
}

const poolMfa = (pool: UserPool) => pool.options as PoolMfa & UserPool['options'];
const mfaOf = (user: LocalUser) => user as LocalUser & UserMfa;

export const enabledFactors = (pool: UserPool): MfaFactor[] => {
  const options = poolMfa(pool);
  return [
    ...(options.SmsMfaEnabled ? (['SMS_MFA'] as const) : []),
    ...(options.SoftwareTokenMfaConfiguration?.Enabled ? (['SOFTWARE_TOKEN_MFA'] as const) : []),
    ...(options.EmailMfaConfiguration ? (['EMAIL_OTP'] as const) : []),
  ];
};

/**
 * The factors a user can be challenged with: those they enabled that the pool still offers, and a TOTP app they
 * verified even if the pool no longer offers TOTP ("users who set up TOTP can continue to use it").
 */
export const usableFactors = (pool: UserPool, user: LocalUser): MfaFactor[] => {
  const offered = enabledFactors(pool);
  return (mfaOf(user).UserMFASettingList ?? []).filter(
    (factor) =>
      offered.includes(factor) ||
      (factor === 'SOFTWARE_TOKEN_MFA' && mfaOf(user).SoftwareTokenMfaConfiguration?.Verified === true),
  );
};

/** What signing in asks of a user whose password was right: nothing, a factor, a choice, or enrolment. */
export type MfaStep =
  | { kind: 'none' }
  | { kind: 'challenge'; factor: MfaFactor }
  | { kind: 'choose'; factors: MfaFactor[] }
  | { kind: 'setup' }
  | { kind: 'impossible' };

export const mfaStep = (pool: UserPool, user: LocalUser): MfaStep => {
  const mode = poolMfa(pool).MfaConfiguration ?? 'OFF';
  if (mode === 'OFF') return { kind: 'none' };
  const usable = usableFactors(pool, user);
  const preferred = mfaOf(user).PreferredMfaSetting;
  if (preferred && usable.includes(preferred)) return { kind: 'challenge', factor: preferred };
  if (usable.length === 1) return { kind: 'challenge', factor: usable[0] as MfaFactor };
  if (usable.length > 1) return { kind: 'choose', factors: usable };
  if (mode === 'OPTIONAL') return { kind: 'none' };
  // MFA required and nothing set up: a phone number (verified or not) or an email serves the factor the pool
  // offers; otherwise a TOTP app is enrolled, or, with no such factor, the user cannot sign in.
  const offered = enabledFactors(pool);
  if (offered.includes('SMS_MFA') && attributeValue(user.Attributes, 'phone_number'))
    return { kind: 'challenge', factor: 'SMS_MFA' };
  if (offered.includes('EMAIL_OTP') && attributeValue(user.Attributes, 'email'))
    return { kind: 'challenge', factor: 'EMAIL_OTP' };
  if (offered.includes('SOFTWARE_TOKEN_MFA')) return { kind: 'setup' };
  return { kind: 'impossible' };
};

/** A phone number or address as Cognito shows it in a challenge: the end only. */
export const masked = (destination: string): string => {
  const at = destination.indexOf('@');
  if (at > 0) return `${destination[0]}***@${destination[at + 1] ?? ''}***`;
  return `+${'*'.repeat(Math.max(0, destination.length - 5))}${destination.slice(-4)}`;
};

const DELIVERY: Record<'SMS_MFA' | 'EMAIL_OTP', { medium: 'SMS' | 'EMAIL'; attribute: string }> = {
  SMS_MFA: { medium: 'SMS', attribute: 'phone_number' },
  EMAIL_OTP: { medium: 'EMAIL', attribute: 'email' },
};
const RESPONSE_KEY: Record<MfaFactor, string> = {
  SMS_MFA: 'SMS_MFA_CODE',
  EMAIL_OTP: 'EMAIL_OTP_CODE',
  SOFTWARE_TOKEN_MFA: 'SOFTWARE_TOKEN_MFA_CODE',
};

export function multiFactorAuth(
  services: Pick<
    CognitoLocalServices,
    'cognito' | 'clock' | 'otp' | 'messages' | 'triggers' | 'tokenGenerator' | 'totp'
  >,
  errors: CognitoLocalErrors,
): Record<string, Wrapper> {
  const { cognito, clock, otp, messages, triggers, tokenGenerator, totp } = services;
  const invalid = (message: string) => new errors.InvalidParameterError(message);

  // Sign-ins this layer decided need no MFA are finished by cognito-local, which must not ask for one itself.
  const NO_MFA = Symbol('no MFA');
  const byClient = cognito.getUserPoolForClientId.bind(cognito);
  cognito.getUserPoolForClientId = async (ctx, clientId) => {
    const pool = await byClient(ctx, clientId);
    if ((ctx as Record<symbol, unknown>)[NO_MFA] !== true) return pool;
    return Object.create(pool, {
      options: { value: { ...pool.options, MfaConfiguration: 'OFF' } },
    }) as UserPool;
  };
  const withoutMfa = (ctx: Ctx): Ctx => ({ ...ctx, [NO_MFA]: true });

  const save = (
    ctx: Ctx,
    pool: UserPool,
    user: LocalUser,
    changes: Partial<UserMfa> & Record<string, unknown>,
  ) => pool.saveUser(ctx, { ...user, ...changes, UserLastModifiedDate: clock.get() });

  /** Sends the challenge for `step`, remembering what the answer must match. */
  const challenge = async (
    ctx: Ctx,
    pool: UserPool,
    user: LocalUser,
    step: Exclude<MfaStep, { kind: 'none' } | { kind: 'impossible' }>,
    req: Request,
  ) => {
    const session = randomUUID();
    const expiresAt = clock.get().getTime() + SESSION_LIFETIME_MS;
    const base = { USER_ID_FOR_SRP: user.Username };
    if (step.kind === 'choose') {
      await save(ctx, pool, user, { MfaChallenge: { session, challenge: 'SELECT_MFA_TYPE', expiresAt } });
      return {
        ChallengeName: 'SELECT_MFA_TYPE',
        ChallengeParameters: { ...base, MFAS_CAN_CHOOSE: JSON.stringify(step.factors) },
        Session: session,
      };
    }
    if (step.kind === 'setup') {
      await save(ctx, pool, user, { MfaChallenge: { session, challenge: 'MFA_SETUP', expiresAt } });
      return {
        ChallengeName: 'MFA_SETUP',
        ChallengeParameters: { ...base, MFAS_CAN_SETUP: JSON.stringify(['SOFTWARE_TOKEN_MFA']) },
        Session: session,
      };
    }
    if (step.factor === 'SOFTWARE_TOKEN_MFA') {
      await save(ctx, pool, user, { MfaChallenge: { session, challenge: step.factor, expiresAt } });
      const name = mfaOf(user).SoftwareTokenMfaConfiguration?.FriendlyDeviceName;
      return {
        ChallengeName: step.factor,
        ChallengeParameters: { ...base, ...(name ? { FRIENDLY_DEVICE_NAME: name } : {}) },
        Session: session,
      };
    }
    const { medium, attribute } = DELIVERY[step.factor];
    const destination = attributeValue(user.Attributes, attribute) as string;
    const code = otp();
    await messages.deliver(
      ctx,
      'Authentication',
      String(req.ClientId),
      pool.options.Id,
      user,
      code,
      req.ClientMetadata,
      {
        AttributeName: attribute,
        DeliveryMedium: medium,
        Destination: destination,
      },
    );
    await save(ctx, pool, user, { MfaChallenge: { session, challenge: step.factor, code, expiresAt } });
    return {
      ChallengeName: step.factor,
      ChallengeParameters: {
        ...base,
        CODE_DELIVERY_DELIVERY_MEDIUM: medium,
        CODE_DELIVERY_DESTINATION: masked(destination),
      },
      Session: session,
    };
  };

  /** PostAuthentication, then tokens, as a completed sign-in. */
  const signedIn = async (ctx: Ctx, pool: UserPool, user: LocalUser, req: Request) => {
    const client = await cognito.getAppClient(ctx, String(req.ClientId));
    if (!client) throw new errors.NotAuthorizedError();
    if (triggers.enabled('PostAuthentication')) {
      await triggers.postAuthentication(ctx, {
        clientId: req.ClientId,
        clientMetadata: req.ClientMetadata,
        source: 'PostAuthentication_Authentication',
        userAttributes: user.Attributes,
        username: user.Username,
        userPoolId: pool.options.Id,
      });
    }
    const groups = await (
      pool as unknown as { listUserGroupMembership(ctx: Ctx, user: LocalUser): Promise<string[]> }
    ).listUserGroupMembership(ctx, user);
    const tokens = await tokenGenerator.generate(
      ctx,
      user,
      groups,
      client,
      req.ClientMetadata,
      'Authentication',
    );
    await (
      pool as unknown as { storeRefreshToken(ctx: Ctx, token: unknown, user: LocalUser): Promise<void> }
    ).storeRefreshToken(ctx, tokens.RefreshToken, user);
    return { ChallengeParameters: {}, AuthenticationResult: tokens };
  };

  /** A password sign-in (InitiateAuth, AdminInitiateAuth): MFA decided here once the password is known right. */
  const passwordSignIn =
    (flows: string[]): Wrapper =>
    (target) =>
    async (ctx, req) => {
      const parameters = (req.AuthParameters as Record<string, string> | undefined) ?? {};
      if (!flows.includes(String(req.AuthFlow)) || !parameters.USERNAME) return target(ctx, req);
      const pool = await cognito.getUserPoolForClientId(ctx, String(req.ClientId));
      const user = await pool.getUserByUsername(ctx, parameters.USERNAME);
      // Anything but a right password of a confirmed, enabled user is cognito-local's to answer.
      const rightPassword = user?.UserStatus === 'CONFIRMED' && user.Password === parameters.PASSWORD;
      if (!user || !rightPassword || user.Enabled === false) return target(withoutMfa(ctx), req);
      const step = mfaStep(pool, user);
      if (step.kind === 'none') return target(withoutMfa(ctx), req);
      if (step.kind === 'impossible')
        throw invalid('The user has no MFA factor the user pool offers and the user pool requires MFA');
      return challenge(ctx, pool, user, step, req);
    };

  /** The sign-in waiting on `session` for this user, or Cognito's refusal. */
  const pending = (user: LocalUser, session: unknown, name: unknown) => {
    const waiting = mfaOf(user).MfaChallenge;
    if (!waiting || waiting.session !== session) return undefined;
    if (waiting.expiresAt < clock.get().getTime())
      throw new errors.NotAuthorizedError('Invalid session for the user, session is expired.');
    if (waiting.challenge !== name) throw invalid(`Expected ${waiting.challenge}, got ${String(name)}`);
    return waiting;
  };

  const respond: Wrapper = (target) => async (ctx, req) => {
    const responses = (req.ChallengeResponses as Record<string, string> | undefined) ?? {};
    const pool = await cognito.getUserPoolForClientId(ctx, String(req.ClientId));
    const user = responses.USERNAME ? await pool.getUserByUsername(ctx, responses.USERNAME) : null;
    if (!user) return target(ctx, req);
    if (
      req.ChallengeName === 'NEW_PASSWORD_REQUIRED' &&
      user.UserStatus === 'FORCE_CHANGE_PASSWORD' &&
      responses.NEW_PASSWORD
    ) {
      // The new password is set; MFA then applies as at any sign-in.
      const updated = { ...user, Password: responses.NEW_PASSWORD, UserStatus: 'CONFIRMED' };
      const step = mfaStep(pool, updated);
      if (step.kind === 'none') return target(withoutMfa(ctx), req);
      await save(ctx, pool, user, { Password: responses.NEW_PASSWORD, UserStatus: 'CONFIRMED' });
      if (step.kind === 'impossible')
        throw invalid('The user has no MFA factor the user pool offers and the user pool requires MFA');
      return challenge(ctx, pool, updated, step, req);
    }
    const waiting = pending(user, req.Session, req.ChallengeName);
    if (!waiting) {
      if (
        ['SMS_MFA', 'EMAIL_OTP', 'SOFTWARE_TOKEN_MFA', 'SELECT_MFA_TYPE', 'MFA_SETUP'].includes(
          String(req.ChallengeName),
        )
      )
        throw new errors.NotAuthorizedError('Invalid session for the user.');
      return target(ctx, req);
    }
    if (waiting.challenge === 'SELECT_MFA_TYPE') {
      const answer = responses.ANSWER as MfaFactor;
      if (!usableFactors(pool, user).includes(answer)) throw invalid('Invalid ANSWER for SELECT_MFA_TYPE');
      return challenge(ctx, pool, user, { kind: 'challenge', factor: answer }, req);
    }
    if (waiting.challenge === 'MFA_SETUP') {
      if (mfaOf(user).SoftwareTokenMfaConfiguration?.Verified !== true)
        throw invalid('The user has not verified a software token; call VerifySoftwareToken first');
      await save(ctx, pool, user, { MfaChallenge: undefined });
      return signedIn(ctx, pool, { ...user, MfaChallenge: undefined }, req);
    }
    const factor = waiting.challenge as MfaFactor;
    const code = responses[RESPONSE_KEY[factor]];
    const secret = mfaOf(user).SoftwareTokenMfaConfiguration?.Secret;
    const right =
      factor === 'SOFTWARE_TOKEN_MFA'
        ? Boolean(code && secret && totp.verify(secret, code))
        : code === waiting.code;
    if (!right) throw new errors.CognitoError('CodeMismatchException', 'Invalid code received for user');
    // A code that reached the phone proves the number (Developer Guide: SMS MFA sets phone_number_verified).
    const Attributes =
      factor === 'SMS_MFA'
        ? [
            ...user.Attributes.filter((a) => a.Name !== 'phone_number_verified'),
            { Name: 'phone_number_verified', Value: 'true' },
          ]
        : user.Attributes;
    const done = { ...user, Attributes, MfaChallenge: undefined };
    await save(ctx, pool, done, {});
    return signedIn(ctx, pool, done, req);
  };

  // --- the pool's configuration ---
  const getConfig = async (ctx: Ctx, req: Request) => {
    const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
    const options = poolMfa(pool);
    return {
      MfaConfiguration: options.MfaConfiguration ?? 'OFF',
      ...(options.SmsMfaEnabled
        ? {
            SmsMfaConfiguration: {
              SmsAuthenticationMessage: options.SmsAuthenticationMessage,
              SmsConfiguration: options.SmsConfiguration,
            },
          }
        : {}),
      SoftwareTokenMfaConfiguration: { Enabled: options.SoftwareTokenMfaConfiguration?.Enabled ?? false },
      ...(options.EmailMfaConfiguration ? { EmailMfaConfiguration: options.EmailMfaConfiguration } : {}),
    };
  };

  const setConfig = async (ctx: Ctx, req: Request) => {
    const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
    const options = poolMfa(pool);
    const sms = req.SmsMfaConfiguration as
      | { SmsAuthenticationMessage?: string; SmsConfiguration?: PoolMfa['SmsConfiguration'] }
      | undefined;
    const software = req.SoftwareTokenMfaConfiguration as { Enabled?: boolean } | undefined;
    const email = req.EmailMfaConfiguration as PoolMfa['EmailMfaConfiguration'] | undefined;
    const mode = (req.MfaConfiguration as MfaMode | undefined) ?? options.MfaConfiguration ?? 'OFF';
    const smsConfiguration = sms?.SmsConfiguration ?? options.SmsConfiguration;
    // Each check names the setting and what it needs; nothing is changed when one fails.
    if (sms && !smsConfiguration?.SnsCallerArn)
      throw invalid(
        'SmsMfaConfiguration: SMS MFA needs an SmsConfiguration with the SnsCallerArn Cognito sends through',
      );
    if (sms?.SmsAuthenticationMessage !== undefined && !sms.SmsAuthenticationMessage.includes('{####}'))
      throw invalid('SmsAuthenticationMessage: the message must contain the {####} placeholder');
    if (email && options.EmailConfiguration?.EmailSendingAccount !== 'DEVELOPER')
      throw invalid(
        'EmailMfaConfiguration: email MFA needs the user pool to send email with Amazon SES (EmailSendingAccount DEVELOPER)',
      );
    if (email?.Message !== undefined && !email.Message.includes('{####}'))
      throw invalid('EmailMfaConfiguration.Message: the message must contain the {####} placeholder');
    if (mode !== 'OFF' && !sms && !software?.Enabled && !email)
      throw invalid('MfaConfiguration: ON or OPTIONAL needs at least one of SMS, TOTP or email MFA enabled');
    // Every factor is set by this call: one left out is turned off.
    const { EmailMfaConfiguration: _old, ...rest } = options;
    await pool.updateOptions(ctx, {
      ...rest,
      MfaConfiguration: mode,
      SmsMfaEnabled: Boolean(sms),
      SmsConfiguration: smsConfiguration,
      SmsAuthenticationMessage: sms?.SmsAuthenticationMessage ?? options.SmsAuthenticationMessage,
      SoftwareTokenMfaConfiguration: { Enabled: software?.Enabled ?? false },
      ...(email ? { EmailMfaConfiguration: email } : {}),
      LastModifiedDate: clock.get(),
    });
    return getConfig(ctx, req);
  };

  // --- a user's preference ---
  const setPreference = async (
    ctx: Ctx,
    pool: UserPool,
    user: LocalUser,
    req: Request,
  ): Promise<Record<string, never>> => {
    const settings: [MfaFactor, { Enabled?: boolean; PreferredMfa?: boolean } | undefined][] = [
      ['SMS_MFA', req.SMSMfaSettings as never],
      ['SOFTWARE_TOKEN_MFA', req.SoftwareTokenMfaSettings as never],
      ['EMAIL_OTP', req.EmailMfaSettings as never],
    ];
    const factors = new Set(mfaOf(user).UserMFASettingList ?? []);
    let preferred = mfaOf(user).PreferredMfaSetting;
    for (const [factor, setting] of settings) {
      if (!setting) continue;
      const enable = setting.Enabled === true || setting.PreferredMfa === true;
      if (enable) {
        const ready =
          factor === 'SMS_MFA'
            ? attributeValue(user.Attributes, 'phone_number') !== undefined
            : factor === 'EMAIL_OTP'
              ? attributeValue(user.Attributes, 'email') !== undefined &&
                enabledFactors(pool).includes('EMAIL_OTP')
              : mfaOf(user).SoftwareTokenMfaConfiguration?.Verified === true;
        if (!ready) throw invalid(`User does not have delivery config set to turn on ${factor}`);
        factors.add(factor);
      } else if (setting.Enabled === false) {
        factors.delete(factor);
      }
      if (setting.PreferredMfa === true) preferred = factor;
      else if (preferred === factor && (setting.PreferredMfa === false || setting.Enabled === false))
        preferred = undefined;
    }
    await save(ctx, pool, user, {
      UserMFASettingList: [...factors],
      PreferredMfaSetting: preferred,
    });
    return {};
  };

  /** The user a software-token call is about: by access token, or by the Session of an MFA_SETUP sign-in. */
  const tokenHolder = async (ctx: Ctx, req: Request): Promise<{ pool: UserPool; user: LocalUser }> => {
    if (req.AccessToken) {
      const pool = await cognito.getUserPoolForClientId(
        ctx,
        String(tokenClaim(req.AccessToken, 'client_id')),
      );
      const user = await pool.getUserByUsername(ctx, String(tokenClaim(req.AccessToken, 'sub')));
      if (!user) throw new errors.NotAuthorizedError('Invalid Access Token');
      return { pool, user };
    }
    for (const pool of await allPools(ctx)) {
      const users = Object.values(
        (await pool.dataStore.get<Record<string, LocalUser>>(ctx, 'Users', {})) ?? {},
      );
      const user = users.find((u) => mfaOf(u).MfaChallenge?.session === req.Session);
      if (user) {
        pending(user, req.Session, 'MFA_SETUP');
        return { pool, user };
      }
    }
    throw new errors.NotAuthorizedError('Invalid session for the user.');
  };
  const allPools = async (ctx: Ctx): Promise<UserPool[]> => {
    return Promise.all((await cognito.listUserPools(ctx)).map((p) => cognito.getUserPool(ctx, p.Id)));
  };
  const assertTotpOffered = (pool: UserPool) => {
    if (!poolMfa(pool).SoftwareTokenMfaConfiguration?.Enabled)
      throw new errors.CognitoError(
        'SoftwareTokenMFANotFoundException',
        'Software Token MFA has not been enabled by the userPool',
      );
  };

  return {
    // A pool created with MFA on or optional has SMS MFA (CreateUserPool has no other factor to name), which needs
    // the SMS configuration Cognito sends through.
    CreateUserPool: (target) => async (ctx, req) => {
      const mode = (req.MfaConfiguration as MfaMode | undefined) ?? 'OFF';
      const sms = req.SmsConfiguration as PoolMfa['SmsConfiguration'] | undefined;
      if (mode !== 'OFF' && !sms?.SnsCallerArn)
        throw invalid(
          'SmsConfiguration: a user pool with MFA ON or OPTIONAL needs an SmsConfiguration for SMS MFA',
        );
      const created = (await target(ctx, req)) as { UserPool?: { Id?: string } };
      if (mode !== 'OFF' && created.UserPool?.Id) {
        const pool = await cognito.getUserPool(ctx, created.UserPool.Id);
        await pool.updateOptions(ctx, {
          ...pool.options,
          SmsMfaEnabled: true,
        });
      }
      return created;
    },
    InitiateAuth: passwordSignIn(['USER_PASSWORD_AUTH']),
    AdminInitiateAuth: passwordSignIn(['ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH']),
    RespondToAuthChallenge: respond,
    AdminRespondToAuthChallenge: () =>
      respond(async () => {
        throw new errors.CognitoError('InvalidParameterException', 'Unsupported challenge');
      }),
    GetUserPoolMfaConfig: () => getConfig,
    SetUserPoolMfaConfig: () => setConfig,
    AdminSetUserMFAPreference: () => async (ctx, req) => {
      const pool = await cognito.getUserPool(ctx, String(req.UserPoolId));
      const user = await pool.getUserByUsername(ctx, String(req.Username));
      if (!user) throw new errors.UserNotFoundError('User does not exist.');
      return setPreference(ctx, pool, user, req);
    },
    SetUserMFAPreference: () => async (ctx, req) => {
      const { pool, user } = await tokenHolder(ctx, { AccessToken: req.AccessToken });
      return setPreference(ctx, pool, user, req);
    },
    AssociateSoftwareToken: () => async (ctx, req) => {
      const { pool, user } = await tokenHolder(ctx, req);
      assertTotpOffered(pool);
      const secret = totp.generateSecret();
      await save(ctx, pool, user, { SoftwareTokenMfaConfiguration: { Secret: secret, Verified: false } });
      return { SecretCode: secret, ...(req.Session ? { Session: req.Session } : {}) };
    },
    VerifySoftwareToken: () => async (ctx, req) => {
      const { pool, user } = await tokenHolder(ctx, req);
      assertTotpOffered(pool);
      const secret = mfaOf(user).SoftwareTokenMfaConfiguration?.Secret;
      if (!secret) throw invalid('User has not associated a software token');
      if (!totp.verify(secret, String(req.UserCode ?? '')))
        throw new errors.CognitoError('EnableSoftwareTokenMFAException', 'Code mismatch');
      // A TOTP app verified by a signed-in user is turned on by SetUserMFAPreference afterwards (re:Post, "TOTP
      // MFA for a user pool"); one enrolled at sign-in (MFA_SETUP, by Session) is the user's factor at once.
      const factors = new Set(mfaOf(user).UserMFASettingList ?? []);
      if (req.Session) factors.add('SOFTWARE_TOKEN_MFA');
      await save(ctx, pool, user, {
        SoftwareTokenMfaConfiguration: {
          Secret: secret,
          Verified: true,
          FriendlyDeviceName: req.FriendlyDeviceName as string | undefined,
        },
        UserMFASettingList: [...factors],
      });
      return { Status: 'SUCCESS', ...(req.Session ? { Session: req.Session } : {}) };
    },
  };
}
