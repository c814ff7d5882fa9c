// The pools the local stack can run: `username` (cognito-dr's own demo pool pair, as the templates declare it) or a
// pool the way most production pools look, whose users sign in with their email (`email`) or phone number
// (`phone`), with optional MFA and custom attributes of every type, protected by a backup pool that starts with
// nothing but its username attributes and the link replication needs (the rest is `cognito-dr mirror`'s to bring).
import type {
  CreateUserPoolCommandInput,
  ExplicitAuthFlowsType,
  SchemaAttributeType,
  SetUserPoolMfaConfigCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';

export const STACK_SHAPES = ['username', 'email', 'phone'] as const;
export type StackShape = (typeof STACK_SHAPES)[number];

export const isStackShape = (value: string): value is StackShape =>
  (STACK_SHAPES as readonly string[]).includes(value);

/** An app client as a service's template (or the adopted pool's owner) declares it. */
export interface LocalClient {
  name: string;
  authFlows: ExplicitAuthFlowsType[];
  writeAttributes: string[];
  /** A client with a secret (the backup pool's replicator): read it with DescribeUserPoolClient. */
  generateSecret?: boolean;
}

/** One pool of the stack: how it is created, its app clients (the first is the stack's `clientId`), its groups. */
export interface PoolDefinition {
  poolName: string;
  create: Omit<CreateUserPoolCommandInput, 'PoolName'>;
  /** The MFA factors the pool offers, set once it is created. */
  mfa?: Omit<SetUserPoolMfaConfigCommandInput, 'UserPoolId'>;
  clients: [LocalClient, ...LocalClient[]];
  groups: { name: string; description: string }[];
}

/** The administrator of the primary pool: what they sign in with and the contact attributes they carry. */
export interface AdminDefinition {
  signInName: string;
  attributes: Record<string, string>;
}

export interface ShapeDefinition {
  primary: PoolDefinition;
  backup: PoolDefinition;
  admin: AdminDefinition;
}

export const ADMIN_GROUP = 'dr-admins';
export const MIGRATION_CLIENT = 'cognito-dr-migration';
/** The backup pool's replicator client, as services/replica/serverless.yml names it. */
export const REPLICATOR_CLIENT_NAME = 'cognito-dr-replicator';

/** What the shapes are built from: shared/pool-schema.json, through the loader the templates use. */
export interface PoolSchemas {
  primarySchema: () => SchemaAttributeType[];
  backupSchema: () => SchemaAttributeType[];
  userWritableAttributes: () => string[];
  replicatorWriteAttributes: () => string[];
  /** The link attribute(s) replication writes (custom:source_sub), as CreateUserPool declares them. */
  linkSchema: () => SchemaAttributeType[];
  /** The standard attributes a record carries, all a replicator sign-up writes besides custom ones. */
  replicatedStandardAttributes: () => string[];
}

const PASSWORD_FLOWS: ExplicitAuthFlowsType[] = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
const adminGroup = { name: ADMIN_GROUP, description: 'cognito-dr administrators' };

/** The backup pool's own clients: the apps' client, the migration client (server side) and the replicator. */
const backupClients = (
  writeAttributes: string[],
  replicatorWriteAttributes: string[],
): [LocalClient, ...LocalClient[]] => [
  { name: 'cognito-dr-app', authFlows: PASSWORD_FLOWS, writeAttributes },
  {
    name: MIGRATION_CLIENT,
    authFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    writeAttributes,
  },
  // The replica creates new backup users through it: one SignUp each, with its secret.
  {
    name: REPLICATOR_CLIENT_NAME,
    authFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    writeAttributes: replicatorWriteAttributes,
    generateSecret: true,
  },
];

/**
 * Custom attributes of every type Cognito has, as an adopted pool's owner chose them (not cognito-dr's demo
 * schema): the backup pool lacks them until `cognito-dr mirror` adds them.
 */
export const ADOPTED_CUSTOM_ATTRIBUTES: SchemaAttributeType[] = [
  {
    Name: 'tier',
    AttributeDataType: 'String',
    Mutable: true,
    StringAttributeConstraints: { MaxLength: '64' },
  },
  {
    Name: 'plan_seats',
    AttributeDataType: 'Number',
    Mutable: true,
    NumberAttributeConstraints: { MinValue: '0', MaxValue: '100000' },
  },
  { Name: 'newsletter', AttributeDataType: 'Boolean', Mutable: true },
  { Name: 'member_since', AttributeDataType: 'DateTime', Mutable: true },
];

/** The adopted pool's SMS sender (an SNS role) and email sender (SES): SMS MFA and email OTP need them. */
export const ADOPTED_SMS_CONFIGURATION = {
  SnsCallerArn: 'arn:aws:iam::123456789012:role/adopted-pool-sms',
  ExternalId: 'adopted-pool',
};
export const ADOPTED_EMAIL_CONFIGURATION = {
  EmailSendingAccount: 'DEVELOPER' as const,
  SourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/example.com',
  From: 'no-reply@example.com',
};

/** Both pools of a stack of `shape`; `username` is exactly the pair the templates deploy. */
export const shapeDefinition = (shape: StackShape, stage: string, schemas: PoolSchemas): ShapeDefinition => {
  const userWritable = schemas.userWritableAttributes();
  if (shape === 'username') {
    return {
      // Pools and clients as the templates declare them: the backup pool starts on standby (nothing
      // auto-verified), and every client may write only what users may.
      primary: {
        poolName: `cognito-dr-${stage}`,
        create: {
          Schema: schemas.primarySchema(),
          AutoVerifiedAttributes: ['email'],
          UsernameConfiguration: { CaseSensitive: false },
        },
        clients: [{ name: 'cognito-dr-admin', authFlows: PASSWORD_FLOWS, writeAttributes: userWritable }],
        groups: [adminGroup],
      },
      backup: {
        poolName: `cognito-dr-${stage}-backup`,
        create: {
          Schema: schemas.backupSchema(),
          AutoVerifiedAttributes: [],
          UsernameConfiguration: { CaseSensitive: false },
        },
        clients: backupClients(userWritable, schemas.replicatorWriteAttributes()),
        // Both templates declare the admin group: operators need it in the backup pool after a failover.
        groups: [adminGroup],
      },
      admin: {
        signInName: 'dr-admin',
        attributes: { email: 'dr-admin@example.com', email_verified: 'true' },
      },
    };
  }
  const signIn = shape === 'email' ? 'email' : 'phone_number';
  const contact = shape === 'email' ? ['email', 'name'] : ['email', 'name', 'phone_number'];
  const link = schemas.linkSchema();
  const linkAttributes = link.map((a) => `custom:${a.Name}`);
  return {
    primary: {
      poolName: `adopted-${shape}-${stage}`,
      create: {
        UsernameAttributes: [signIn],
        UsernameConfiguration: { CaseSensitive: false },
        AutoVerifiedAttributes: [signIn],
        MfaConfiguration: 'OPTIONAL',
        SmsConfiguration: ADOPTED_SMS_CONFIGURATION,
        // Email OTP needs the pool to send through SES.
        EmailConfiguration: ADOPTED_EMAIL_CONFIGURATION,
        // Both pools carry the link: either may create users from the other's records.
        Schema: [...ADOPTED_CUSTOM_ATTRIBUTES, ...link],
      },
      mfa: {
        MfaConfiguration: 'OPTIONAL',
        SmsMfaConfiguration: {
          SmsAuthenticationMessage: 'Your sign-in code is {####}',
          SmsConfiguration: ADOPTED_SMS_CONFIGURATION,
        },
        SoftwareTokenMfaConfiguration: { Enabled: true },
        ...(shape === 'email' ? { EmailMfaConfiguration: { Message: 'Your sign-in code is {####}' } } : {}),
      },
      clients: [
        { name: 'adopted-app', authFlows: PASSWORD_FLOWS, writeAttributes: [...contact, 'custom:tier'] },
      ],
      groups: [adminGroup],
    },
    backup: {
      poolName: `adopted-${shape}-${stage}-backup`,
      // Only what cannot change after creation, and the link.
      create: {
        UsernameAttributes: [signIn],
        UsernameConfiguration: { CaseSensitive: false },
        AutoVerifiedAttributes: [],
        Schema: link,
      },
      clients: backupClients(contact, [...schemas.replicatedStandardAttributes(), ...linkAttributes]),
      groups: [],
    },
    admin:
      shape === 'email'
        ? { signInName: 'dr-admin@example.com', attributes: { email_verified: 'true' } }
        : {
            signInName: '+15555550100',
            attributes: {
              phone_number_verified: 'true',
              email: 'dr-admin@example.com',
              email_verified: 'true',
            },
          },
  };
};
