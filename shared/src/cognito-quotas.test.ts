import { COGNITO_QUOTAS, quotaCategoryOf } from './cognito-quotas';

describe('quotaCategoryOf', () => {
  it('finds the category from an operation, a command name or an X-Amz-Target header', () => {
    expect(quotaCategoryOf('SignUp')).toBe('UserCreation');
    expect(quotaCategoryOf('AdminSetUserPasswordCommand')).toBe('UserAccountRecovery');
    expect(quotaCategoryOf('AWSCognitoIdentityProviderService.AdminAddUserToGroup')).toBe('UserUpdate');
    expect(quotaCategoryOf('AdminListGroupsForUser')).toBe('UserResourceRead');
    expect(quotaCategoryOf('InitiateAuth')).toBeUndefined();
  });

  it('lists every operation in one category only', () => {
    const all = Object.values(COGNITO_QUOTAS).flatMap((info) => info.operations);
    expect(new Set(all).size).toBe(all.length);
  });

  it('keeps the not adjustable ceilings the replica is planned around', () => {
    expect(COGNITO_QUOTAS.UserUpdate).toMatchObject({ rps: 25, adjustable: false });
    expect(COGNITO_QUOTAS.UserAccountRecovery).toMatchObject({ rps: 30, adjustable: false });
    expect(COGNITO_QUOTAS.UserCreation.rps).toBe(50);
  });
});
