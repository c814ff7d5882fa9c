// The one table of Cognito's quota categories: lookups by any spelling of an operation, and a category for every
// command the shipped code sends, found by reading the sources.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COGNITO_QUOTAS, quotaCategoryOf } from './cognito-quotas';

const ROOT = join(__dirname, '..', '..');
/** What ships: the packages, the services' functions and the operator's CLI (not the local stack, tests or benches). */
const SHIPPED = [
  'shared/src',
  'capture/src',
  'apply/src',
  'failover/src',
  'reconcile/src',
  'adopt/src',
  'mirror/src',
  'services',
  'cli',
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return ['node_modules', 'testing', '.esbuild', '.serverless'].includes(entry.name) ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Command classes a file imports from the Cognito SDK. */
function cognitoCommands(file: string): string[] {
  const imports = readFileSync(file, 'utf8').matchAll(
    /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-cognito-identity-provider'/g,
  );
  return [...imports].flatMap(([, names = '']) => names.match(/\b\w+Command\b/g) ?? []);
}

describe('quotaCategoryOf', () => {
  it('finds the category from an operation, a command name or an X-Amz-Target header', () => {
    expect(quotaCategoryOf('SignUp')).toBe('UserCreation');
    expect(quotaCategoryOf('AdminSetUserPasswordCommand')).toBe('UserAccountRecovery');
    expect(quotaCategoryOf('AWSCognitoIdentityProviderService.AdminAddUserToGroup')).toBe('UserUpdate');
    expect(quotaCategoryOf('AdminListGroupsForUser')).toBe('UserResourceRead');
    expect(quotaCategoryOf('InitiateAuth')).toBe('UserAuthentication');
    expect(quotaCategoryOf('RespondToAuthChallenge')).toBeUndefined();
  });

  it('has a category for every command the shipped code sends', () => {
    const sent = new Set(SHIPPED.flatMap((dir) => sources(join(ROOT, dir))).flatMap(cognitoCommands));
    // The scan finds what it should: the replica's and the reconciler's staple calls.
    expect([...sent]).toEqual(
      expect.arrayContaining(['AdminCreateUserCommand', 'ListUsersCommand', 'SignUpCommand']),
    );
    expect([...sent].filter((command) => quotaCategoryOf(command) === undefined)).toEqual([]);
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
