// The admin API's environment: defaults, overrides for the local emulator, and a failure that names the variable.
import { ConfigError } from '@cognito-dr/shared';
import { readAdminApiConfig, readBackupPoolConfig } from './config';

const base = {
  AWS_REGION: 'us-east-1',
  USER_POOL_ID: 'us-east-1_Abc123',
  USER_POOL_CLIENT_ID: 'client-1',
  TABLE_NAME: 'cognito-dr-users-dev',
};

describe('readAdminApiConfig', () => {
  it('defaults to the real Cognito issuer and its JWKS, and the dr-admins group', () => {
    expect(readAdminApiConfig(base)).toEqual({
      region: 'us-east-1',
      userPoolId: 'us-east-1_Abc123',
      userPoolClientId: 'client-1',
      tableName: 'cognito-dr-users-dev',
      adminGroup: 'dr-admins',
      jwtIssuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123',
      jwksUri: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123/.well-known/jwks.json',
    });
  });

  it("derives the JWKS from a local emulator's issuer, as cognito-local serves it", () => {
    const config = readAdminApiConfig({
      ...base,
      JWT_ISSUER: 'http://127.0.0.1:9229/local_abc',
      ADMIN_GROUP: 'ops',
    });
    expect(config).toMatchObject({
      adminGroup: 'ops',
      jwtIssuer: 'http://127.0.0.1:9229/local_abc',
      jwksUri: 'http://127.0.0.1:9229/local_abc/.well-known/jwks.json',
    });
  });

  it('takes an explicit JWKS_URI', () => {
    expect(readAdminApiConfig({ ...base, JWKS_URI: 'https://keys.example.com/jwks.json' }).jwksUri).toBe(
      'https://keys.example.com/jwks.json',
    );
  });

  it.each(['AWS_REGION', 'USER_POOL_ID', 'USER_POOL_CLIENT_ID', 'TABLE_NAME'])(
    'fails naming %s when missing',
    (name) => {
      const env: Record<string, string | undefined> = { ...base, [name]: undefined };
      expect(() => readAdminApiConfig(env)).toThrow(
        new ConfigError(`environment variable ${name} must be set`),
      );
      expect(() => readAdminApiConfig({ ...base, [name]: '  ' })).toThrow(name);
    },
  );

  it.each([
    'http://keys.example.com/jwks.json',
    'http://10.0.0.5:9229/pool/.well-known/jwks.json',
    'file:///etc/jwks.json',
    'not a url',
  ])('refuses keys fetched from %s', (uri) => {
    expect(() => readAdminApiConfig({ ...base, JWKS_URI: uri })).toThrow(ConfigError);
  });
});

describe('readBackupPoolConfig', () => {
  it('reads the backup pool, with an endpoint only when overridden', () => {
    expect(
      readBackupPoolConfig({ BACKUP_USER_POOL_ID: 'ap-northeast-1_X', BACKUP_REGION: 'ap-northeast-1' }),
    ).toEqual({
      userPoolId: 'ap-northeast-1_X',
      region: 'ap-northeast-1',
    });
    expect(
      readBackupPoolConfig({
        BACKUP_USER_POOL_ID: 'local_b',
        BACKUP_REGION: 'ap-northeast-1',
        BACKUP_COGNITO_ENDPOINT: 'http://127.0.0.1:9230',
      })?.endpoint,
    ).toBe('http://127.0.0.1:9230');
  });

  it('has no backup pool before the replica service exists (BACKUP_USER_POOL_ID empty)', () => {
    expect(readBackupPoolConfig({ BACKUP_USER_POOL_ID: '', BACKUP_REGION: 'r' })).toBeUndefined();
    expect(readBackupPoolConfig({ BACKUP_REGION: 'r' })).toBeUndefined();
  });

  it('fails naming BACKUP_REGION when the pool is set and its region is not', () => {
    expect(() => readBackupPoolConfig({ BACKUP_USER_POOL_ID: 'p' })).toThrow(
      'environment variable BACKUP_REGION must be set',
    );
  });
});
