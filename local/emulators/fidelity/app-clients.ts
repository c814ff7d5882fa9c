// LOCAL ONLY: what Cognito lets an app client do where cognito-local lets it do anything: write only its
// WriteAttributes, sign up only with the right SECRET_HASH, sign in only enabled users; and a SignUp in a pool that
// auto-verifies nothing sends nothing instead of failing.
import { secretHash } from '@cognito-dr/shared';
import {
  type Attribute,
  type CognitoLocalErrors,
  type CognitoLocalServices,
  type Ctx,
  type Request,
  tokenClaim,
  type UserPool,
  type Wrapper,
} from './cognito-local';
import { STANDARD_ATTRIBUTES } from './pool-configuration';

export function appClientRules(
  { cognito }: Pick<CognitoLocalServices, 'cognito'>,
  errors: CognitoLocalErrors,
): Record<string, Wrapper> {
  // Every other reader of AutoVerifiedAttributes treats [] and absent alike (`?? []`, `?.length`): only SignUp
  // tells them apart, so the pool a client belongs to is handed out with an empty list left out. A view, not a
  // copy: the pool's own options stay as DescribeUserPool reports them.
  const poolForClient = cognito.getUserPoolForClientId.bind(cognito);
  cognito.getUserPoolForClientId = async (ctx, clientId) => {
    const pool = await poolForClient(ctx, clientId);
    if (pool.options.AutoVerifiedAttributes?.length !== 0) return pool;
    const { AutoVerifiedAttributes: _none, ...options } = pool.options;
    return Object.create(pool, { options: { value: options } }) as UserPool;
  };

  const assertWritable = async (ctx: Ctx, clientId: unknown, attributes: unknown) => {
    const client = await cognito.getAppClient(ctx, String(clientId));
    if (!client) return;
    // A client that names no WriteAttributes writes the standard attributes (API reference, WriteAttributes).
    const writable = client.WriteAttributes ?? STANDARD_ATTRIBUTES;
    for (const { Name } of (attributes as Attribute[] | undefined) ?? []) {
      if (!writable.includes(Name))
        throw new errors.NotAuthorizedError('A client attempted to write unauthorized attribute');
    }
  };
  // Cognito's answers, word for word.
  const assertSecretHash = async (ctx: Ctx, req: Request) => {
    const client = await cognito.getAppClient(ctx, String(req.ClientId));
    if (!client?.ClientSecret) return;
    if (typeof req.SecretHash !== 'string') {
      throw new errors.NotAuthorizedError(
        `Client ${req.ClientId} is configured for secret but secret was not received`,
      );
    }
    if (req.SecretHash !== secretHash(client.ClientSecret, String(req.Username), String(req.ClientId))) {
      throw new errors.NotAuthorizedError(`Unable to verify secret hash for client ${req.ClientId}`);
    }
  };
  const refuseDisabled = async (ctx: Ctx, req: Request) => {
    const username = (req.AuthParameters as Record<string, string> | undefined)?.USERNAME;
    if (!username) return;
    const pool = req.UserPoolId
      ? await cognito.getUserPool(ctx, String(req.UserPoolId))
      : await cognito.getUserPoolForClientId(ctx, String(req.ClientId));
    const user = await pool.getUserByUsername(ctx, username);
    if (user && user.Enabled === false) throw new errors.NotAuthorizedError('User is disabled.');
  };

  return {
    InitiateAuth: (target) => async (ctx, req) => {
      await refuseDisabled(ctx, req);
      return target(ctx, req);
    },
    AdminInitiateAuth: (target) => async (ctx, req) => {
      await refuseDisabled(ctx, req);
      return target(ctx, req);
    },
    SignUp: (target) => async (ctx, req) => {
      await assertSecretHash(ctx, req);
      await assertWritable(ctx, req.ClientId, req.UserAttributes);
      return target(ctx, req);
    },
    UpdateUserAttributes: (target) => async (ctx, req) => {
      const clientId = tokenClaim(req.AccessToken, 'client_id');
      if (clientId) await assertWritable(ctx, clientId, req.UserAttributes);
      return target(ctx, req);
    },
  };
}
