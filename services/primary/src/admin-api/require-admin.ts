// Middleware letting a request through only with a primary-pool token (ID or access) of a member of the admin
// group; the same verification runs in AWS and against the local emulator, only issuer and key URL differ.
import type { Request } from '@middy/core';
import { createError } from '@middy/util';
import { JwtVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import { FetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface TokenVerifier {
  /** The verified claims; rejects when the token is not valid for this API. */
  verify(token: string): Promise<JwtPayload>;
}

/** Who made an authenticated request; kept on `request.internal.caller` for the access log. */
export interface Caller {
  sub: string;
}

/** JWKS requests time out well inside the function's budget; the keys are cached after the first success. */
const JWKS_TIMEOUT_MS = 3000;

/**
 * Fetches JWKS with Node's own fetch, which speaks both https (Cognito) and the plain http of the local emulator,
 * so both run the same code. config.ts only allows http to a loopback host.
 */
export const jwksFetcher: Fetcher = {
  async fetch(uri) {
    let response: Response;
    try {
      response = await fetch(uri, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS), redirect: 'error' });
    } catch (error) {
      throw new FetchError(uri, error instanceof Error ? error.name : 'request failed');
    }
    if (response.status !== 200) throw new FetchError(uri, `status ${response.status}, expected 200`);
    return response.arrayBuffer();
  },
};

export interface TokenVerifierOptions {
  issuer: string;
  jwksUri: string;
  clientId: string;
  fetcher?: Fetcher;
}

/**
 * CognitoJwtVerifier cannot be used: it derives issuer and JWKS URL from a Cognito pool id, which the emulator's
 * ids and http issuer do not match. JwtVerifier takes both as given, and the Cognito-specific checks run as its
 * custom check: token_use must be "id" or "access", and the client must be ours (`aud` for an ID token,
 * `client_id` for an access token), which is why `audience` is left to that check.
 */
export function createTokenVerifier({
  issuer,
  jwksUri,
  clientId,
  fetcher = jwksFetcher,
}: TokenVerifierOptions) {
  return JwtVerifier.create(
    {
      issuer,
      jwksUri,
      audience: null,
      customJwtCheck: ({ payload }) => {
        validateCognitoJwtFields(payload, { tokenUse: null, clientId, groups: null });
        // aws-jwt-verify checks exp only when present; Cognito always sets it, so a token without one is forged.
        if (typeof payload.exp !== 'number') throw new Error('token has no expiry');
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  );
}

export interface RequireAdminOptions {
  verifier: TokenVerifier;
  adminGroup: string;
}

/** One message for every token failure: which check failed helps an attacker more than a caller. */
const UNAUTHORIZED =
  'authorization: a valid bearer token (ID or access token) of the primary user pool is required';
/** Far above any Cognito token; refused before any parsing work. */
const MAX_TOKEN_LENGTH = 8192;
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

function unauthorized(reason: string) {
  // `reason` (an error name or a short rule) goes to the log through access-log, never to the caller.
  return Object.assign(createError(401, UNAUTHORIZED, { cause: { reason } }), { field: 'authorization' });
}

function bearerToken(event: APIGatewayProxyEvent): string {
  // Two Authorization headers would leave it open which one API Gateway and this code each looked at.
  const all = event.multiValueHeaders?.authorization;
  if (Array.isArray(all) && all.length > 1) throw unauthorized('several authorization headers');
  const header = event.headers?.authorization;
  if (!header) throw unauthorized('no authorization header');
  if (header.length > MAX_TOKEN_LENGTH) throw unauthorized('authorization header too long');
  const match = BEARER.exec(header);
  if (!match?.[1]) throw unauthorized('not a bearer JWT');
  return match[1];
}

export const requireAdmin = (opts: RequireAdminOptions) => {
  const { verifier, adminGroup } = opts;

  const requireAdminMiddlewareBefore = async (request: Request<APIGatewayProxyEvent>): Promise<void> => {
    const token = bearerToken(request.event);
    let claims: JwtPayload;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      // The keys could not be fetched: our fault, not the caller's, and worth retrying.
      if (error instanceof FetchError) throw createError(503, 'Service Unavailable', { cause: error });
      throw unauthorized(error instanceof Error ? error.name : 'verification failed');
    }
    const groups = claims['cognito:groups'];
    if (!Array.isArray(groups) || !groups.includes(adminGroup)) {
      throw Object.assign(
        createError(403, 'authorization: the caller is not in the administrators group', {
          cause: { reason: 'not an administrator' },
        }),
        { field: 'authorization' },
      );
    }
    const caller: Caller = { sub: String(claims.sub) };
    (request.internal as Record<string, unknown>).caller = caller;
  };

  return { before: requireAdminMiddlewareBefore };
};
