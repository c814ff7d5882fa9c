// Prints shell exports that point the SDK (and `serverless invoke local`) at one region of the running local
// stack: `eval "$(npm run -s local:env -- primary)"`.
import { readStackFile } from './stack-file';

const which = process.argv[2] ?? 'primary';
if (which !== 'primary' && which !== 'backup') {
  process.stderr.write('usage: npm run -s local:env -- primary|backup\n');
  process.exit(2);
}
const stack = readStackFile();
const region = stack[which];
const exports: Record<string, string> = {
  AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
  AWS_REGION: region.region,
  AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: region.cognitoEndpoint,
  AWS_ENDPOINT_URL_DYNAMODB: region.dynamodbEndpoint,
  ...(which === 'primary'
    ? {
        COGNITO_DR_PRIMARY_USER_POOL_ID: region.userPoolId,
        COGNITO_DR_PRIMARY_CLIENT_ID: region.clientId,
        JWT_ISSUER: `${region.cognitoEndpoint}/${region.userPoolId}`,
        JWKS_URI: `${region.cognitoEndpoint}/${region.userPoolId}/.well-known/jwks.json`,
        BACKUP_USER_POOL_ID: stack.backup.userPoolId,
        BACKUP_COGNITO_ENDPOINT: stack.backup.cognitoEndpoint,
      }
    : {
        COGNITO_DR_BACKUP_USER_POOL_ID: region.userPoolId,
        ...(stack.backup.replicatorClientId
          ? { COGNITO_DR_REPLICATOR_CLIENT_ID: stack.backup.replicatorClientId }
          : {}),
        DEAD_LETTER_FILE: stack.deadLetters.replicaParked,
      }),
};
for (const [name, value] of Object.entries(exports)) process.stdout.write(`export ${name}='${value}'\n`);
