// A production pool as they commonly look (email sign-in, MFA optional by SMS or app, custom attributes of three
// types, OAuth clients, groups, a resource server, Google and OIDC federation, a domain) and a backup pool as the
// replica stack creates it: what mirror tests start from.
import type { IdentityProviderType, SchemaAttributeType } from '@aws-sdk/client-cognito-identity-provider';
import { standardSchema } from '@cognito-dr/shared/src/testing/fake-pool-configuration';

export const PRIMARY = 'us-east-1_production';
export const BACKUP = 'ap-northeast-1_backup';
export const GOOGLE_SECRET = 'google-client-secret-value';
export const OIDC_SECRET = 'corporate-oidc-secret-value';
export const WEB_SECRET = 'web-client-secret-value';

export const custom = (definition: SchemaAttributeType): SchemaAttributeType => ({
  Mutable: true,
  Required: false,
  DeveloperOnlyAttribute: false,
  ...definition,
});

const PRIMARY_SCHEMA = [
  ...standardSchema({ email: { Required: true } }),
  custom({
    Name: 'custom:plan',
    AttributeDataType: 'String',
    StringAttributeConstraints: { MinLength: '0', MaxLength: '32' },
  }),
  custom({
    Name: 'custom:seats',
    AttributeDataType: 'Number',
    NumberAttributeConstraints: { MinValue: '0', MaxValue: '500' },
  }),
  custom({ Name: 'custom:beta', AttributeDataType: 'Boolean', Mutable: true }),
  // What cognito-dr adds to an adopted pool: the link to a home sub, which no app client may write.
  custom({
    Name: 'custom:source_sub',
    AttributeDataType: 'String',
    StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
  }),
];

const SMS = {
  SnsCallerArn: 'arn:aws:iam::123456789012:role/cognito-sms',
  ExternalId: 'sms-external',
  SnsRegion: 'us-east-1',
};

/** A pool as production ones look: email sign-in, MFA optional by SMS or app, clients, groups, federation. */
export const primarySeed = {
  userPoolId: PRIMARY,
  pool: {
    Name: 'production',
    UsernameAttributes: ['email' as const],
    UsernameConfiguration: { CaseSensitive: false },
    SchemaAttributes: PRIMARY_SCHEMA,
    AutoVerifiedAttributes: ['email' as const],
    Policies: {
      PasswordPolicy: {
        MinimumLength: 12,
        RequireUppercase: true,
        RequireLowercase: true,
        RequireNumbers: true,
        RequireSymbols: false,
        PasswordHistorySize: 5,
        TemporaryPasswordValidityDays: 3,
      },
    },
    MfaConfiguration: 'OPTIONAL' as const,
    SmsConfiguration: SMS,
    SmsAuthenticationMessage: 'Your sign-in code is {####}',
    VerificationMessageTemplate: {
      DefaultEmailOption: 'CONFIRM_WITH_CODE' as const,
      EmailMessage: 'Welcome! Your code is {####}',
      EmailSubject: 'Verify your email',
      SmsMessage: 'Code {####}',
    },
    EmailVerificationMessage: 'Welcome! Your code is {####}',
    EmailVerificationSubject: 'Verify your email',
    SmsVerificationMessage: 'Code {####}',
    AdminCreateUserConfig: {
      AllowAdminCreateUserOnly: true,
      UnusedAccountValidityDays: 3,
      InviteMessageTemplate: { EmailSubject: 'Your account', EmailMessage: 'User {username} code {####}' },
    },
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email' as const, Priority: 1 }] },
    DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
    LambdaConfig: {
      PreTokenGeneration: 'arn:aws:lambda:us-east-1:123456789012:function:add-claims',
      PostConfirmation:
        'arn:aws:lambda:us-east-1:123456789012:function:cognito-dr-primary-prod-onPostConfirmation',
    },
    EmailConfiguration: {
      EmailSendingAccount: 'DEVELOPER' as const,
      SourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/example.com',
    },
    UserPoolTier: 'ESSENTIALS' as const,
    Domain: 'example-login',
  },
  mfa: {
    MfaConfiguration: 'OPTIONAL' as const,
    SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your sign-in code is {####}', SmsConfiguration: SMS },
    SoftwareTokenMfaConfiguration: { Enabled: true },
  },
  clients: [
    {
      ClientName: 'web',
      ClientSecret: WEB_SECRET,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH' as const, 'ALLOW_USER_SRP_AUTH' as const],
      SupportedIdentityProviders: ['COGNITO', 'Google', 'Corporate'],
      CallbackURLs: ['https://app.example.com/callback', 'https://app.example.com/alt'],
      LogoutURLs: ['https://app.example.com/'],
      AllowedOAuthFlows: ['code' as const],
      AllowedOAuthScopes: ['openid', 'email', 'api.example.com/orders.read'],
      AllowedOAuthFlowsUserPoolClient: true,
      AccessTokenValidity: 15,
      IdTokenValidity: 15,
      RefreshTokenValidity: 7,
      TokenValidityUnits: {
        AccessToken: 'minutes' as const,
        IdToken: 'minutes' as const,
        RefreshToken: 'days' as const,
      },
      ReadAttributes: ['email', 'name', 'custom:plan'],
      WriteAttributes: ['name', 'custom:beta'],
    },
    // No WriteAttributes: every mutable attribute.
    {
      ClientName: 'mobile',
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH' as const, 'ALLOW_REFRESH_TOKEN_AUTH' as const],
    },
    { ClientName: 'cognito-dr-admin', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH' as const] },
  ],
  groups: [
    {
      GroupName: 'admins',
      Description: 'Back office',
      Precedence: 1,
      RoleArn: 'arn:aws:iam::123456789012:role/admins',
    },
    { GroupName: 'editors', Description: 'Content', Precedence: 5 },
    { GroupName: 'dr-admins', Description: 'May call the cognito-dr admin API.' },
  ],
  resourceServers: [
    {
      Identifier: 'api.example.com',
      Name: 'Orders API',
      Scopes: [
        { ScopeName: 'orders.read', ScopeDescription: 'Read orders' },
        { ScopeName: 'orders.write', ScopeDescription: 'Write orders' },
      ],
    },
  ],
  providers: <IdentityProviderType[]>[
    {
      ProviderName: 'Google',
      ProviderType: 'Google' as const,
      ProviderDetails: {
        client_id: 'google-client',
        client_secret: GOOGLE_SECRET,
        authorize_scopes: 'openid email',
      },
      AttributeMapping: { email: 'email', username: 'sub' },
    },
    {
      ProviderName: 'Corporate',
      ProviderType: 'OIDC' as const,
      ProviderDetails: {
        client_id: 'corp-client',
        client_secret: OIDC_SECRET,
        oidc_issuer: 'https://login.corp.example.com',
        attributes_request_method: 'GET',
        authorize_scopes: 'openid email profile',
      },
      AttributeMapping: { email: 'email', username: 'sub' },
      IdpIdentifiers: ['corp'],
    },
  ],
};

export const POSTURE_TRIGGERS = {
  PreSignUp: 'arn:aws:lambda:ap-northeast-1:123456789012:function:cognito-dr-replica-prod-onPreSignUp',
  CustomMessage:
    'arn:aws:lambda:ap-northeast-1:123456789012:function:cognito-dr-replica-prod-onCustomMessage',
  PostConfirmation:
    'arn:aws:lambda:ap-northeast-1:123456789012:function:cognito-dr-replica-prod-onPostConfirmation',
};

/** The backup pool as the replica stack creates it: only what must be set at creation, plus its own clients. */
export const backupSeed = (overrides: Partial<(typeof primarySeed)['pool']> = {}) => ({
  userPoolId: BACKUP,
  pool: {
    Name: 'cognito-dr-prod-backup',
    UsernameAttributes: ['email' as const],
    UsernameConfiguration: { CaseSensitive: false },
    SchemaAttributes: [
      ...standardSchema({ email: { Required: true } }),
      custom({
        Name: 'custom:source_sub',
        AttributeDataType: 'String',
        StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
      }),
    ],
    AutoVerifiedAttributes: [],
    LambdaConfig: POSTURE_TRIGGERS,
    DeletionProtection: 'ACTIVE' as const,
    UserPoolTier: 'LITE' as const,
    UserPoolTags: { stack: 'cognito-dr-replica-prod' },
    ...overrides,
  },
  clients: [
    {
      ClientName: 'cognito-dr-replicator',
      ClientSecret: 'replicator-secret',
      WriteAttributes: ['email', 'custom:source_sub'],
    },
  ],
  groups: [{ GroupName: 'dr-admins', Description: 'May call the cognito-dr admin API.' }],
});
