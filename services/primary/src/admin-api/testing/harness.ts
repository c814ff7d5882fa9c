// Test-only admin API: every route wrapped by the real Middy stack, over fakes, with tokens signed in the test;
// reads as given.../when... in the route and hostile suites.

import type { Fetcher } from 'aws-jwt-verify/https';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { makeHandler } from '../make-handler';
import { createTokenVerifier } from '../require-admin';
import type { AdminDeps, Route } from '../route';
import { createUser } from '../routes/create-user';
import { deleteUser } from '../routes/delete-user';
import { getUser } from '../routes/get-user';
import { addUserToGroup, removeUserFromGroup } from '../routes/group-membership';
import { disableUser, enableUser } from '../routes/set-user-enabled';
import { updateUser } from '../routes/update-user';
import { apiEvent } from './events';
import { FakeBackup, FakeCapture, FakePool, FakeRecords } from './fakes';
import {
  ADMIN_GROUP,
  idTokenClaims,
  signingKey,
  signToken,
  TEST_CLIENT_ID,
  TEST_ISSUER,
  TEST_JWKS_URI,
} from './tokens';

export const ROUTES = {
  createUser: { method: 'POST', resource: '/users', core: createUser },
  getUser: { method: 'GET', resource: '/users/{username}', core: getUser },
  updateUser: { method: 'PUT', resource: '/users/{username}', core: updateUser },
  deleteUser: { method: 'DELETE', resource: '/users/{username}', core: deleteUser },
  disableUser: { method: 'POST', resource: '/users/{username}/disable', core: disableUser },
  enableUser: { method: 'POST', resource: '/users/{username}/enable', core: enableUser },
  addUserToGroup: { method: 'PUT', resource: '/users/{username}/groups/{group}', core: addUserToGroup },
  removeUserFromGroup: {
    method: 'DELETE',
    resource: '/users/{username}/groups/{group}',
    core: removeUserFromGroup,
  },
} satisfies Record<string, { method: string; resource: string; core: (deps: AdminDeps) => Route }>;

export type RouteName = keyof typeof ROUTES;
export const ROUTE_NAMES = Object.keys(ROUTES) as RouteName[];

/** The pool's signing key, made once per test file. */
export const poolKey = signingKey('pool-key-1');

const offline: Fetcher = {
  fetch: async () => {
    throw new Error('unit tests do not fetch keys');
  },
};

export interface LogLine {
  level: 'info' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

export interface Call {
  username?: string;
  group?: string;
  /** Raw body text, as API Gateway passes it. Objects are JSON-encoded for convenience. */
  body?: string | object | null;
  headers?: Record<string, string>;
  /** Replaces the path parameters entirely (for missing-parameter cases). */
  pathParameters?: Record<string, string> | null;
  isBase64Encoded?: boolean;
  token?: string | null;
}

export interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown> | undefined;
  rawBody: string;
}

export const adminToken = () => signToken(poolKey, idTokenClaims());

export function givenAdminApi() {
  const pool = new FakePool()
    .withUser('victim', { email: 'victim@example.com', name: 'Victim', 'custom:tier': 'gold' }, ['staff'])
    .withUser('Mixed.Case', { email: 'mixed@example.com' })
    // The user the ready-made events in services/primary/events name.
    .withUser('alice', { email: 'alice@example.com' });
  const capture = new FakeCapture(pool);
  const records = new FakeRecords(capture);
  const backup = new FakeBackup();
  const logs: LogLine[] = [];
  const logger = {
    info: (message: string, fields: Record<string, unknown>) => logs.push({ level: 'info', message, fields }),
    error: (message: string, fields: Record<string, unknown>) =>
      logs.push({ level: 'error', message, fields }),
  };
  const verifier = createTokenVerifier({
    issuer: TEST_ISSUER,
    jwksUri: TEST_JWKS_URI,
    clientId: TEST_CLIENT_ID,
    fetcher: offline,
  });
  verifier.cacheJwks({ keys: [poolKey.jwk] });
  const deps: AdminDeps = { pool, capture: capture.capture, records, backup };
  /** Region roles as the API sees them: active unless a test fails the region over. */
  const region = { active: true };
  const handlers = Object.fromEntries(
    ROUTE_NAMES.map((name) => [
      name,
      makeHandler(ROUTES[name].core(deps), {
        verifier,
        adminGroup: ADMIN_GROUP,
        logger,
        isActive: async () => region.active,
      }),
    ]),
  ) as Record<RouteName, ReturnType<typeof makeHandler>>;

  async function call(name: RouteName, input: Call = {}): Promise<Answer> {
    const { method, resource } = ROUTES[name];
    const token = input.token === undefined ? adminToken() : input.token;
    const pathParameters =
      input.pathParameters !== undefined
        ? input.pathParameters
        : resource === '/users'
          ? null
          : {
              username: input.username ?? 'victim',
              ...(resource.includes('{group}') ? { group: input.group ?? 'staff' } : {}),
            };
    const body =
      input.body === undefined || input.body === null || typeof input.body === 'string'
        ? (input.body ?? null)
        : JSON.stringify(input.body);
    const headers: Record<string, string> = {
      ...(body !== null ? { 'Content-Type': 'application/json' } : {}),
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      ...input.headers,
    };
    const event = apiEvent({
      method,
      resource,
      pathParameters,
      headers,
      body,
      ...(input.isBase64Encoded ? { isBase64Encoded: true } : {}),
    });
    return send(name, event);
  }

  /** Runs a ready-made event (e.g. one of services/primary/events) through the route's handler. */
  async function send(name: RouteName, event: APIGatewayProxyEvent): Promise<Answer> {
    const response: APIGatewayProxyResult = await handlers[name](event, {
      awsRequestId: 'lambda-1',
    } as Context);
    return {
      statusCode: response.statusCode,
      headers: response.headers ?? {},
      body: response.body ? JSON.parse(response.body) : undefined,
      rawBody: response.body,
    };
  }

  return { pool, capture, records, backup, logs, call, send, region };
}
