// Puts the deployment's user-reference key (log-safe.ts) in place at cold start: from Secrets Manager in AWS (a
// generated secret, replicated into the backup region so both regions' references agree), from a file locally.
import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsClient } from './aws-clients';
import { envReader } from './env';
import { errorName } from './errors';
import { useUserRefKey } from './log-safe';

export interface UserRefKeyOutcome {
  /** false: the key could not be read, references are random for this process (the reason is `errorName`). */
  loaded: boolean;
  /** Where the key came from, for one log line: 'secret', 'file' or 'none'. */
  source: 'secret' | 'file' | 'none';
  errorName?: string;
}

export interface UserRefKeyDeps {
  secrets?: () => Pick<SecretsManagerClient, 'send'>;
  readText?: (path: string) => Promise<string>;
}

/**
 * A loader of the key, read from USER_REF_KEY_SECRET_ARN (Secrets Manager) or USER_REF_KEY_FILE, at most once per
 * process once it has worked. It never throws: a key that cannot be read leaves references random (still free of
 * PII, only not comparable across functions), and the next invocation tries again. The key itself is never logged
 * or returned.
 */
export function userRefKeyLoader(
  env: Record<string, string | undefined> = process.env,
  deps: UserRefKeyDeps = {},
): () => Promise<UserRefKeyOutcome> {
  const settings = envReader(env);
  const secretArn = settings.optional('USER_REF_KEY_SECRET_ARN');
  const file = settings.optional('USER_REF_KEY_FILE');
  const source: UserRefKeyOutcome['source'] = secretArn ? 'secret' : file ? 'file' : 'none';
  let done: Promise<UserRefKeyOutcome> | undefined;
  const read = async (): Promise<string> => {
    if (secretArn) {
      const secrets = (deps.secrets ?? (() => secretsClient({ maxAttempts: 3 })))();
      const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
      return SecretString ?? '';
    }
    return (await (deps.readText ?? ((path) => readFile(path, 'utf8')))(file as string)).trim();
  };
  return () => {
    done ??= (async (): Promise<UserRefKeyOutcome> => {
      if (source === 'none') return { loaded: false, source };
      try {
        useUserRefKey(await read());
        return { loaded: true, source };
      } catch (error) {
        done = undefined;
        return { loaded: false, source, errorName: errorName(error) ?? 'Error' };
      }
    })();
    return done;
  };
}

/**
 * What a handler runs before each event: loads the key (once it has worked, this costs nothing) and says so
 * when it cannot, naming the error, never the key.
 */
export function userRefKeyStep(
  warn: (message: string, details: Record<string, unknown>) => void,
  load: () => Promise<UserRefKeyOutcome> = userRefKeyLoader(),
): () => Promise<void> {
  return async () => {
    const outcome = await load();
    if (!outcome.loaded && outcome.source !== 'none') {
      warn('user references are random in this process: the key could not be read', {
        source: outcome.source,
        errorName: outcome.errorName,
      });
    }
  };
}
