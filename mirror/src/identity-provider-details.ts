// The provider details each identity provider type takes (CreateIdentityProvider's ProviderDetails), which of them
// are secrets, and the secrets the operator supplies where Cognito does not show them.
import { readFileSync } from 'node:fs';

/** Input keys per ProviderType; DescribeIdentityProvider adds keys of its own (discovered URLs...), never sent back. */
const INPUT_KEYS: Record<string, readonly string[]> = {
  Google: ['client_id', 'client_secret', 'authorize_scopes'],
  LoginWithAmazon: ['client_id', 'client_secret', 'authorize_scopes'],
  Facebook: ['client_id', 'client_secret', 'authorize_scopes', 'api_version'],
  SignInWithApple: ['client_id', 'team_id', 'key_id', 'private_key', 'authorize_scopes'],
  OIDC: [
    'client_id',
    'client_secret',
    'attributes_request_method',
    'oidc_issuer',
    'authorize_scopes',
    'authorize_url',
    'token_url',
    'attributes_url',
    'jwks_uri',
  ],
  SAML: [
    'MetadataFile',
    'MetadataURL',
    'IDPSignout',
    'IDPInit',
    'RequestSigningAlgorithm',
    'EncryptedResponses',
  ],
};

/** The details that are credentials: never printed, and needed to create the provider in another pool. */
export const SECRET_KEYS: Record<string, readonly string[]> = {
  Google: ['client_secret'],
  LoginWithAmazon: ['client_secret'],
  Facebook: ['client_secret'],
  SignInWithApple: ['private_key'],
  OIDC: ['client_secret'],
  SAML: [],
};

export const isKnownProviderType = (type: string | undefined): type is string =>
  type !== undefined && type in INPUT_KEYS;

/** The details of a provider as CreateIdentityProvider takes them, without its secrets. */
export function configurableDetails(
  type: string,
  details: Record<string, string> | undefined,
): Record<string, string> {
  const keys = (INPUT_KEYS[type] ?? []).filter((key) => !(SECRET_KEYS[type] ?? []).includes(key));
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = details?.[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  // A metadata URL is the source of truth; the file Cognito reports beside it is what it fetched from there.
  if (type === 'SAML' && out.MetadataURL) delete out.MetadataFile;
  return out;
}

/** Secrets of identity providers by provider name, then detail key, as the operator gives them. */
export type IdentityProviderSecrets = Record<string, Record<string, string>>;

/** The operator's secrets file or secret is not what mirror can read; the message says what it should be. */
export class IdentityProviderSecretsError extends Error {
  override readonly name = 'IdentityProviderSecretsError';
}

/** Checks the shape `{ "<provider name>": { "client_secret": "..." } }`, naming what is wrong (never a value). */
export function parseIdentityProviderSecrets(text: string, source: string): IdentityProviderSecrets {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new IdentityProviderSecretsError(
      `${source}: not JSON; expected {"<provider name>": {"client_secret": "..."}}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new IdentityProviderSecretsError(
      `${source}: expected an object {"<provider name>": {"client_secret": "..."}}`,
    );
  }
  const secrets: IdentityProviderSecrets = {};
  for (const [provider, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new IdentityProviderSecretsError(`${source}: ${provider} must be an object of detail keys`);
    }
    secrets[provider] = {};
    for (const [key, secret] of Object.entries(value as Record<string, unknown>)) {
      if (typeof secret !== 'string' || secret === '') {
        throw new IdentityProviderSecretsError(`${source}: ${provider}.${key} must be a non-empty string`);
      }
      (secrets[provider] as Record<string, string>)[key] = secret;
    }
  }
  return secrets;
}

/** Where the operator keeps the secrets: a JSON file, or a Secrets Manager secret (its ARN) holding that JSON. */
export async function loadIdentityProviderSecrets(
  source: string,
  readSecret: (arn: string) => Promise<string | undefined>,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Promise<IdentityProviderSecrets> {
  if (/^arn:aws[a-z-]*:secretsmanager:/.test(source)) {
    const text = await readSecret(source);
    if (text === undefined) {
      throw new IdentityProviderSecretsError(`${source}: the secret has no SecretString`);
    }
    return parseIdentityProviderSecrets(text, source);
  }
  let text: string;
  try {
    text = readFile(source);
  } catch {
    throw new IdentityProviderSecretsError(`${source}: cannot read the file`);
  }
  return parseIdentityProviderSecrets(text, source);
}
