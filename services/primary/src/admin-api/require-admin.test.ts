// Token checks with real RS256 signatures made in the test: who gets 401, who gets 403, who gets through.
import type { Request } from '@middy/core';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createTokenVerifier, requireAdmin } from './require-admin';
import {
  ADMIN_GROUP,
  accessTokenClaims,
  idTokenClaims,
  signingKey,
  signToken,
  TEST_CLIENT_ID,
  TEST_ISSUER,
  TEST_JWKS_URI,
} from './testing/tokens';

const poolKey = signingKey('pool-key-1');
// Same kid as the pool's key: the forgery can only be caught by its signature.
const attackerKey = signingKey('pool-key-1');
const otherKidKey = signingKey('attacker-key');

const offline: Fetcher = {
  fetch: async () => {
    throw new Error('unit tests do not fetch keys');
  },
};

function verifierWithCachedKeys() {
  const verifier = createTokenVerifier({
    issuer: TEST_ISSUER,
    jwksUri: TEST_JWKS_URI,
    clientId: TEST_CLIENT_ID,
    fetcher: offline,
  });
  verifier.cacheJwks({ keys: [poolKey.jwk] });
  return verifier;
}

function requestWith(
  headers: Record<string, string>,
  multi?: Record<string, string[]>,
): Request<APIGatewayProxyEvent> {
  return {
    event: { headers, multiValueHeaders: multi ?? {} } as unknown as APIGatewayProxyEvent,
    context: {} as Request['context'],
    response: null,
    error: null,
    internal: {},
  };
}

async function outcome(middleware: ReturnType<typeof requireAdmin>, request: Request<APIGatewayProxyEvent>) {
  try {
    await middleware.before(request);
    return { status: 'passed', caller: request.internal };
  } catch (error) {
    const { statusCode, message, expose } = error as { statusCode: number; message: string; expose: boolean };
    return { status: statusCode, message, expose };
  }
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const seconds = () => Math.floor(Date.now() / 1000);

describe('requireAdmin', () => {
  const middleware = requireAdmin({ verifier: verifierWithCachedKeys(), adminGroup: ADMIN_GROUP });

  it.each<[string, Record<string, string>]>([
    ['no authorization header', {}],
    ['an empty header', { authorization: '' }],
    ['another scheme', { authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` }],
    ['a bare token without the Bearer scheme', { authorization: signToken(poolKey, idTokenClaims()) }],
    ['a malformed token', bearer('not-a-jwt')],
    ['two segments only', bearer('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0')],
    ['garbage segments', bearer('aaaa.bbbb.cccc')],
    ['an oversized header', bearer(`${'a'.repeat(9000)}.b.c`)],
    ['an expired token', bearer(signToken(poolKey, idTokenClaims({ exp: seconds() - 60 })))],
    ['a token not valid yet', bearer(signToken(poolKey, idTokenClaims({ nbf: seconds() + 600 })))],
    ['a token without expiry', bearer(signToken(poolKey, idTokenClaims({ exp: undefined })))],
    ['a forged signature (other key, same kid)', bearer(signToken(attackerKey, idTokenClaims()))],
    [
      'a token whose payload was edited after signing',
      (() => {
        const [header, , signature] = signToken(poolKey, idTokenClaims({ 'cognito:groups': [] })).split('.');
        return bearer(
          `${header}.${Buffer.from(JSON.stringify(idTokenClaims())).toString('base64url')}.${signature}`,
        );
      })(),
    ],
    [
      'alg none',
      bearer(`${signToken(poolKey, idTokenClaims(), { alg: 'none' }).split('.').slice(0, 2).join('.')}.x`),
    ],
    ['alg HS256 (key confusion)', bearer(signToken(poolKey, idTokenClaims(), { alg: 'HS256' }))],
    [
      'a token of another pool',
      bearer(
        signToken(
          poolKey,
          idTokenClaims({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' }),
        ),
      ),
    ],
    ['an ID token of another client', bearer(signToken(poolKey, idTokenClaims({ aud: 'other-client' })))],
    [
      'an access token of another client',
      bearer(signToken(poolKey, accessTokenClaims({ client_id: 'other-client' }))),
    ],
    [
      'an access token carrying our client id only in aud',
      bearer(signToken(poolKey, accessTokenClaims({ client_id: undefined, aud: TEST_CLIENT_ID }))),
    ],
    ['token_use refresh', bearer(signToken(poolKey, idTokenClaims({ token_use: 'refresh' })))],
    ['no token_use', bearer(signToken(poolKey, idTokenClaims({ token_use: undefined })))],
  ])('refuses %s with 401', async (_, headers) => {
    expect(await outcome(middleware, requestWith(headers))).toEqual({
      status: 401,
      message:
        'authorization: a valid bearer token (ID or access token) of the primary user pool is required',
      expose: true,
    });
  });

  it('refuses two authorization headers with 401', async () => {
    const token = signToken(poolKey, idTokenClaims());
    const request = requestWith(bearer(token), { authorization: [`Bearer ${token}`, 'Bearer other'] });
    expect(await outcome(middleware, request)).toMatchObject({ status: 401 });
  });

  it.each([
    ['an ID token without groups', idTokenClaims({ 'cognito:groups': undefined })],
    ['an ID token of another group', idTokenClaims({ 'cognito:groups': ['staff'] })],
    ['an access token of another group', accessTokenClaims({ 'cognito:groups': ['staff', 'dr-admins-not'] })],
    ['groups given as a string', idTokenClaims({ 'cognito:groups': ADMIN_GROUP })],
  ])('refuses %s with 403', async (_, claims) => {
    expect(await outcome(middleware, requestWith(bearer(signToken(poolKey, claims))))).toEqual({
      status: 403,
      message: 'authorization: the caller is not in the administrators group',
      expose: true,
    });
  });

  it.each([
    ['an admin ID token', idTokenClaims()],
    ['an admin access token', accessTokenClaims()],
    ['an admin in several groups', idTokenClaims({ 'cognito:groups': ['staff', ADMIN_GROUP] })],
  ])('lets through %s and records the caller', async (_, claims) => {
    expect(await outcome(middleware, requestWith(bearer(signToken(poolKey, claims))))).toEqual({
      status: 'passed',
      caller: { caller: { sub: 'admin-sub-1' } },
    });
  });

  it('refuses a token signed with a key the pool does not publish, after looking the kid up once', async () => {
    let fetches = 0;
    const verifier = createTokenVerifier({
      issuer: TEST_ISSUER,
      jwksUri: TEST_JWKS_URI,
      clientId: TEST_CLIENT_ID,
      fetcher: {
        fetch: async () => {
          fetches++;
          return new TextEncoder().encode(JSON.stringify({ keys: [poolKey.jwk] })).buffer as ArrayBuffer;
        },
      },
    });
    const guarded = requireAdmin({ verifier, adminGroup: ADMIN_GROUP });
    expect(
      await outcome(guarded, requestWith(bearer(signToken(otherKidKey, idTokenClaims())))),
    ).toMatchObject({
      status: 401,
    });
    expect(fetches).toBe(1);
  });
});

describe('createTokenVerifier: key fetching', () => {
  it('fetches the JWKS once per cold start and serves later tokens from the cache', async () => {
    const fetched: string[] = [];
    const verifier = createTokenVerifier({
      issuer: TEST_ISSUER,
      jwksUri: TEST_JWKS_URI,
      clientId: TEST_CLIENT_ID,
      fetcher: {
        fetch: async (uri) => {
          fetched.push(uri);
          return new TextEncoder().encode(JSON.stringify({ keys: [poolKey.jwk] })).buffer as ArrayBuffer;
        },
      },
    });
    await verifier.verify(signToken(poolKey, idTokenClaims()));
    await verifier.verify(signToken(poolKey, accessTokenClaims()));
    expect(fetched).toEqual([TEST_JWKS_URI]);
  });

  it('answers 503, not 401, when the keys cannot be fetched', async () => {
    const { FetchError } = await import('aws-jwt-verify/error');
    const verifier = createTokenVerifier({
      issuer: TEST_ISSUER,
      jwksUri: TEST_JWKS_URI,
      clientId: TEST_CLIENT_ID,
      fetcher: {
        fetch: async (uri) => {
          throw new FetchError(uri, 'connection refused');
        },
      },
    });
    const guarded = requireAdmin({ verifier, adminGroup: ADMIN_GROUP });
    expect(await outcome(guarded, requestWith(bearer(signToken(poolKey, idTokenClaims()))))).toEqual({
      status: 503,
      message: 'Service Unavailable',
      expose: false,
    });
  });

  it('accepts an emulator issuer over http (cognito-local tokens carry no aud in access tokens)', async () => {
    const issuer = 'http://127.0.0.1:9229/local_pool1';
    const verifier = createTokenVerifier({
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      clientId: TEST_CLIENT_ID,
      fetcher: offline,
    });
    verifier.cacheJwks({ keys: [poolKey.jwk] });
    await expect(
      verifier.verify(signToken(poolKey, accessTokenClaims({ iss: issuer }))),
    ).resolves.toMatchObject({
      token_use: 'access',
    });
    await expect(verifier.verify(signToken(poolKey, idTokenClaims()))).rejects.toThrow(/Issuer/);
  });
});

describe('jwksFetcher', () => {
  it('fetches keys over plain http from a loopback server, as from the local emulator', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      if (req.url !== '/local_pool1/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [poolKey.jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const issuer = `http://127.0.0.1:${port}/local_pool1`;
      const verifier = createTokenVerifier({
        issuer,
        jwksUri: `${issuer}/.well-known/jwks.json`,
        clientId: TEST_CLIENT_ID,
      });
      await expect(
        verifier.verify(signToken(poolKey, idTokenClaims({ iss: issuer }))),
      ).resolves.toMatchObject({
        sub: 'admin-sub-1',
      });
      const missing = createTokenVerifier({
        issuer,
        jwksUri: `${issuer}/nowhere.json`,
        clientId: TEST_CLIENT_ID,
      });
      const { FetchError } = await import('aws-jwt-verify/error');
      await expect(missing.verify(signToken(poolKey, idTokenClaims({ iss: issuer })))).rejects.toBeInstanceOf(
        FetchError,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('tokens minted by cognito-local', () => {
  // The emulator's own generator and key pair, so local runs are known to pass the same checks as AWS tokens.
  const root = 'cognito-local/lib';
  const { JwtTokenGenerator } = require(`${root}/services/tokenGenerator`);
  const { jwk } = require(`${root}/keys/cognitoLocal.public.json`);
  const issuer = 'http://127.0.0.1:9229/local_pool1';

  async function mint(groups: string[], clientId = TEST_CLIENT_ID) {
    const generator = new JwtTokenGenerator(
      { get: () => new Date() },
      { enabled: () => false },
      { IssuerDomain: 'http://127.0.0.1:9229' },
    );
    const user = { Username: 'admin', Attributes: [{ Name: 'sub', Value: 'admin-sub-1' }] };
    const client = { ClientId: clientId, UserPoolId: 'local_pool1' };
    return generator.generate({}, user, groups, client, {}, 'Authentication');
  }

  const guarded = () => {
    const verifier = createTokenVerifier({
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      clientId: TEST_CLIENT_ID,
      fetcher: offline,
    });
    verifier.cacheJwks({ keys: [jwk] });
    return requireAdmin({ verifier, adminGroup: ADMIN_GROUP });
  };

  it('lets an administrator through with either its ID or its access token', async () => {
    const { IdToken, AccessToken } = await mint([ADMIN_GROUP]);
    expect(await outcome(guarded(), requestWith(bearer(IdToken)))).toMatchObject({ status: 'passed' });
    expect(await outcome(guarded(), requestWith(bearer(AccessToken)))).toMatchObject({ status: 'passed' });
  });

  it('refuses its refresh token (401), a non-administrator (403) and another client (401)', async () => {
    const { RefreshToken, IdToken } = await mint(['staff']);
    expect(await outcome(guarded(), requestWith(bearer(RefreshToken)))).toMatchObject({ status: 401 });
    expect(await outcome(guarded(), requestWith(bearer(IdToken)))).toMatchObject({ status: 403 });
    const other = await mint([ADMIN_GROUP], 'other-client');
    expect(await outcome(guarded(), requestWith(bearer(other.IdToken)))).toMatchObject({ status: 401 });
    expect(await outcome(guarded(), requestWith(bearer(other.AccessToken)))).toMatchObject({ status: 401 });
  });
});
