// Step 8: the primary pool's administrator, made once per data directory (a restarted stack keeps working tokens'
// user). After the functions answer: AdminCreateUser runs the pool's PreSignUp trigger, as in Cognito.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ensureAdmin } from '../provision-pools';
import { ADMIN_GROUP, type AdminDefinition } from '../shapes';

export interface Admin {
  username: string;
  password: string;
  group: string;
}

export const provisionAdmin = async (
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  definition: AdminDefinition,
  dataDir: string,
): Promise<Admin> => {
  const password = loadOrCreatePassword(dataDir);
  await ensureAdmin(cognito, userPoolId, { ...definition, password, group: ADMIN_GROUP });
  return { username: definition.signInName, password, group: ADMIN_GROUP };
};

/** The password lives in admin.json, the owner's alone. */
const loadOrCreatePassword = (dataDir: string): string => {
  const file = join(dataDir, 'admin.json');
  if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { password: string }).password;
  const password = `Dr-${randomBytes(12).toString('base64url')}-9a`;
  writeFileSync(file, JSON.stringify({ password }), { mode: 0o600 });
  return password;
};
