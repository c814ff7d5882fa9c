// The one client a trigger trusts whatever the pool's posture, named by a variable of its environment (the
// replicator client at sign-up, the migration client at sign-in); none when the variable is unset.
import { cognitoClient, type EnvReader, TRIGGER_SAFE } from '@cognito-dr/shared';
import { appClientByName } from '../app-client-by-name';

export function trustedClientFromEnv(
  env: EnvReader,
  variable: 'REPLICATOR_CLIENT_NAME' | 'MIGRATION_CLIENT_NAME',
): ((userPoolId: string, clientId: string) => Promise<boolean>) | undefined {
  const name = env.optional(variable);
  return name
    ? appClientByName(cognitoClient({ ...TRIGGER_SAFE, region: env.required('AWS_REGION') }), name)
    : undefined;
}
