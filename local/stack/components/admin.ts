// Step 8: the primary pool's administrator, made once per data directory (a restarted stack keeps working tokens'
// user). After the functions answer: AdminCreateUser runs the pool's PreSignUp trigger, as in Cognito. Made through
// the region's public endpoint (its gate and CloudTrail stand-in), as an operator would make one, so the
// out-of-band capture records it like any other user and a fresh stack has no user without a record.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { localClientConfig } from '../../lib/local-aws';
import { ensureAdmin } from '../provision-pools';
import { ADMIN_GROUP, type AdminDefinition } from '../shapes';
import { PRIMARY_REGION, type StepContext, url } from './context';

export interface Admin {
  username: string;
  password: string;
  group: string;
}

export const provisionAdmin = async (
  ctx: StepContext,
  userPoolId: string,
  definition: AdminDefinition,
): Promise<Admin> => {
  const password = loadOrCreatePassword(ctx.opts.dataDir);
  const cognito = new CognitoIdentityProviderClient(
    localClientConfig(PRIMARY_REGION, url(ctx.ports.cognitoPrimary)),
  );
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
