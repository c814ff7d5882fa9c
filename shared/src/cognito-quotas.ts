// Cognito's request-rate quota categories: which category each user-pool operation counts against, and its default
// rate. Pacing (cognito-pacing.ts, for every caller), the benchmarks and the local quota stand-in (the fault proxy)
// read this one table.

export type QuotaCategory =
  | 'UserAuthentication'
  | 'UserCreation'
  | 'UserAccountRecovery'
  | 'UserRead'
  | 'UserUpdate'
  | 'UserResourceRead'
  | 'UserList'
  | 'UserPoolRead'
  | 'UserPoolUpdate'
  | 'UserPoolResourceRead'
  | 'UserPoolResourceUpdate'
  | 'UserPoolClientRead'
  | 'UserPoolClientUpdate';

export interface QuotaCategoryInfo {
  /** Default requests per second, per account and region, shared by every caller (the application included). */
  rps: number;
  /** Whether a quota increase can be requested; the not adjustable ones are the hard ceilings. */
  adjustable: boolean;
  /** Operation names as they appear in the API (and in X-Amz-Target after the service prefix). */
  operations: readonly string[];
}

/** From the Cognito quota documentation ("Amazon Cognito user pools API operation categories"). */
export const COGNITO_QUOTAS: Readonly<Record<QuotaCategory, QuotaCategoryInfo>> = {
  // RespondToAuthChallenge and AdminRespondToAuthChallenge count against a quota of their own, three times this one.
  UserAuthentication: { rps: 120, adjustable: true, operations: ['InitiateAuth', 'AdminInitiateAuth'] },
  UserCreation: {
    rps: 50,
    adjustable: true,
    operations: ['SignUp', 'ConfirmSignUp', 'AdminCreateUser', 'AdminConfirmSignUp'],
  },
  UserAccountRecovery: {
    rps: 30,
    adjustable: false,
    operations: [
      'AdminSetUserPassword',
      'ForgotPassword',
      'ConfirmForgotPassword',
      'ChangePassword',
      'AdminResetUserPassword',
    ],
  },
  UserRead: { rps: 120, adjustable: true, operations: ['AdminGetUser', 'GetUser'] },
  UserUpdate: {
    rps: 25,
    adjustable: false,
    operations: [
      'AdminUpdateUserAttributes',
      'AdminDeleteUserAttributes',
      'AdminEnableUser',
      'AdminDisableUser',
      'AdminDeleteUser',
      'AdminAddUserToGroup',
      'AdminRemoveUserFromGroup',
      'AdminSetUserMFAPreference',
      'AdminLinkProviderForUser',
      'AdminDisableProviderForUser',
      'UpdateUserAttributes',
      'DeleteUserAttributes',
      'DeleteUser',
      'VerifyUserAttribute',
      'GlobalSignOut',
      'AdminUserGlobalSignOut',
    ],
  },
  UserResourceRead: {
    rps: 50,
    adjustable: true,
    operations: ['AdminListGroupsForUser', 'ResendConfirmationCode', 'AdminListDevices', 'ListDevices'],
  },
  UserList: { rps: 30, adjustable: false, operations: ['ListUsers', 'ListUsersInGroup'] },
  UserPoolRead: {
    rps: 15,
    adjustable: true,
    operations: ['DescribeUserPool', 'ListUserPools', 'GetUserPoolMfaConfig'],
  },
  UserPoolUpdate: {
    rps: 15,
    adjustable: true,
    operations: ['UpdateUserPool', 'AddCustomAttributes', 'SetUserPoolMfaConfig'],
  },
  UserPoolResourceRead: {
    rps: 20,
    adjustable: true,
    operations: [
      'GetGroup',
      'ListGroups',
      'DescribeIdentityProvider',
      'ListIdentityProviders',
      'DescribeResourceServer',
      'ListResourceServers',
      'DescribeUserPoolDomain',
    ],
  },
  UserPoolResourceUpdate: {
    rps: 15,
    adjustable: true,
    operations: [
      'CreateGroup',
      'UpdateGroup',
      'DeleteGroup',
      'CreateIdentityProvider',
      'UpdateIdentityProvider',
      'CreateResourceServer',
      'UpdateResourceServer',
      'CreateUserPoolDomain',
      'UpdateUserPoolDomain',
    ],
  },
  UserPoolClientRead: {
    rps: 15,
    adjustable: true,
    operations: ['DescribeUserPoolClient', 'ListUserPoolClients'],
  },
  UserPoolClientUpdate: {
    rps: 15,
    adjustable: true,
    operations: ['CreateUserPoolClient', 'UpdateUserPoolClient'],
  },
};

const CATEGORY_OF = new Map<string, QuotaCategory>(
  (Object.entries(COGNITO_QUOTAS) as [QuotaCategory, QuotaCategoryInfo][]).flatMap(([category, info]) =>
    info.operations.map((operation) => [operation, category] as const),
  ),
);

/**
 * The category an operation counts against, or undefined for one this table does not list. Accepts the operation
 * name (`AdminCreateUser`), the SDK's command name (`AdminCreateUserCommand`) or the X-Amz-Target header
 * (`AWSCognitoIdentityProviderService.AdminCreateUser`).
 */
export function quotaCategoryOf(operation: string): QuotaCategory | undefined {
  const name = operation.slice(operation.lastIndexOf('.') + 1).replace(/Command$/, '');
  return CATEGORY_OF.get(name);
}
