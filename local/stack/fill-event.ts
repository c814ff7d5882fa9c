// Prints one of a service's ready events (services/*/events/*.json) with its REPLACE_WITH_* placeholders filled
// from the running local stack, for `serverless invoke local`:
//   npm run -s local:event -- events/on-post-confirmation.json > /tmp/event.json
// The service is the one the file is in: its pool, app client and table. An admin API event gets a fresh ID token of
// the stack's administrator. Two values only the caller knows are options: --password (a UserMigration sign-in)
// and --response-url (where a custom resource PUTs its CloudFormation response).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { readStackFile } from './stack-file';

const USAGE =
  'usage: npm run -s local:event -- services/<primary|replica>/events/<event>.json [--password P] [--response-url URL]';

const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { password: { type: 'string' }, 'response-url': { type: 'string' } },
});
if (positionals.length !== 1) fail(USAGE);
// npm runs the script from the repository root; a path is meant from where the command was typed.
const root = resolve(__dirname, '..', '..');
const file = resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0] as string);
const service = /^services[/\\](primary|replica)[/\\]events[/\\]/.exec(relative(root, file))?.[1];
if (!service) fail(`${file} is not in services/primary/events or services/replica/events\n${USAGE}`);
let event: unknown;
try {
  event = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  fail(`cannot read ${file} as JSON (${(error as Error).message})`);
}

const stack = readStackFile();
const side = service === 'primary' ? stack.primary : stack.backup;

const idToken = async (): Promise<string> => {
  const cognito = new CognitoIdentityProviderClient({
    region: stack.primary.region,
    endpoint: stack.primary.cognitoEndpoint,
    credentials: stack.credentials,
  });
  const answer = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: stack.primary.clientId,
      AuthParameters: { USERNAME: stack.admin.username, PASSWORD: stack.admin.password },
    }),
  );
  const token = answer.AuthenticationResult?.IdToken;
  if (!token)
    throw new Error(`the administrator's sign-in asked for ${answer.ChallengeName ?? 'a challenge'}`);
  return token;
};

/** Each placeholder's value, computed only when the event holds it. */
const fillers: Record<string, () => Promise<string> | string> = {
  REPLACE_WITH_PRIMARY_USER_POOL_ID: () => stack.primary.userPoolId,
  REPLACE_WITH_BACKUP_USER_POOL_ID: () => stack.backup.userPoolId,
  REPLACE_WITH_CLIENT_ID: () => side.clientId,
  REPLACE_WITH_TABLE_NAME: () => side.tableName,
  REPLACE_WITH_ID_TOKEN: idToken,
  REPLACE_WITH_PASSWORD: () => values.password ?? fail(`${positionals[0]} signs a user in: pass --password`),
  REPLACE_WITH_RESPONSE_URL: () =>
    values['response-url'] ??
    fail(`${positionals[0]} is a custom resource request: pass --response-url (where its response is PUT)`),
};

const main = async () => {
  const text = JSON.stringify(event, null, 2);
  const found = [...new Set(text.match(/REPLACE_WITH_[A-Z_]+/g) ?? [])];
  const unknown = found.filter((name) => !(name in fillers));
  if (unknown.length > 0) fail(`${positionals[0]}: no value for ${unknown.join(', ')}`);
  const filled = new Map<string, string>();
  for (const name of found) filled.set(name, await (fillers[name] as () => Promise<string> | string)());
  // Placeholders sit inside JSON strings: each value goes in JSON-escaped, so a password with quotes stays valid.
  const out = text.replace(/REPLACE_WITH_[A-Z_]+/g, (name) => JSON.stringify(filled.get(name)).slice(1, -1));
  process.stdout.write(`${out}\n`);
};

main().catch((error) => fail(`cannot fill ${positionals[0]}: ${(error as Error).message}`));
