// Hostile requests through the full Middy stack of every route: each gets its 4xx, never a 5xx, and neither the
// pool nor the capture step sees a change; nothing the caller sent (token, username, values) reaches the log.

import { type Call, givenAdminApi, poolKey, ROUTE_NAMES, type RouteName } from './testing/harness';
import { ADMIN_GROUP, accessTokenClaims, idTokenClaims, signingKey, signToken } from './testing/tokens';

const seconds = () => Math.floor(Date.now() / 1000);
const forgeryKey = signingKey('pool-key-1');

interface HostileCase {
  name: string;
  route: RouteName;
  call: Call;
  status: number;
  field?: string;
}

// ---- Tokens: every route, every way a token can be wrong ----------------------------------------------------
const badTokens: [string, string | null, number][] = [
  ['no token', null, 401],
  ['a malformed token', 'not.a.token!', 401],
  ['an expired token', signToken(poolKey, idTokenClaims({ exp: seconds() - 1 })), 401],
  ['a forged signature', signToken(forgeryKey, idTokenClaims()), 401],
  [
    'a token of another pool',
    signToken(poolKey, idTokenClaims({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' })),
    401,
  ],
  ['a token of another client', signToken(poolKey, idTokenClaims({ aud: 'someone-elses-app' })), 401],
  ['a token with token_use refresh', signToken(poolKey, accessTokenClaims({ token_use: 'refresh' })), 401],
  ['a non-administrator token', signToken(poolKey, idTokenClaims({ 'cognito:groups': ['staff'] })), 403],
];

/** The body a legitimate call sends, so that in the token cases only the token is wrong. */
const legitimateBody = (route: RouteName) =>
  route === 'createUser'
    ? { username: 'newcomer', attributes: { email: 'newcomer@example.com' } }
    : route === 'updateUser'
      ? { email: 'attacker@example.com' }
      : undefined;

const tokenCases: HostileCase[] = ROUTE_NAMES.flatMap((route) =>
  badTokens.map(([name, token, status]): HostileCase => {
    const body = legitimateBody(route);
    return {
      name: `${route}: ${name}`,
      route,
      call: { token, ...(body ? { body } : {}) },
      status,
      field: 'authorization',
    };
  }),
);

// A token check runs before the body is even looked at: no hints about the body for an unauthenticated caller.
tokenCases.push(
  {
    name: 'updateUser: no token and an oversized body',
    route: 'updateUser',
    call: { token: null, body: 'x'.repeat(20_000) },
    status: 401,
  },
  {
    name: 'updateUser: no token and malformed JSON',
    route: 'updateUser',
    call: { token: null, body: '{"email":' },
    status: 401,
  },
  {
    name: 'updateUser: token in the wrong header',
    route: 'updateUser',
    call: {
      token: null,
      headers: { 'X-Api-Key': signToken(poolKey, idTokenClaims()) },
      body: { email: 'a@b.co' },
    },
    status: 401,
  },
  {
    name: 'updateUser: Basic credentials',
    route: 'updateUser',
    call: { token: null, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' }, body: { email: 'a@b.co' } },
    status: 401,
  },
);

// ---- Bodies -----------------------------------------------------------------------------------------------------
const update = (call: Call, status: number, field: string | undefined, name: string): HostileCase => ({
  name: `updateUser: ${name}`,
  route: 'updateUser',
  call,
  status,
  ...(field ? { field } : {}),
});

const bodyCases: HostileCase[] = [
  update({ body: '{"email":' }, 400, 'body', 'malformed JSON'),
  update({ body: '{"email":"a@example.com"} trailing' }, 400, 'body', 'JSON with trailing text'),
  update({ body: "{'email':'a@example.com'}" }, 400, 'body', 'single-quoted pseudo-JSON'),
  update({ body: `${'['.repeat(5000)}${']'.repeat(5000)}` }, 400, 'body', 'deeply nested arrays'),
  update({ body: `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}` }, 400, 'a', 'deeply nested objects'),
  update(
    { body: '{"email":"a@example.com"}', headers: { 'Content-Type': 'text/plain' } },
    415,
    'content-type',
    'text/plain',
  ),
  update(
    { body: 'email=a%40example.com', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
    415,
    'content-type',
    'a form body',
  ),
  update(
    { body: '{"email":"a@example.com"}', headers: { 'Content-Type': 'application/json; charset=utf-16' } },
    415,
    'content-type',
    'JSON in UTF-16',
  ),
  update(
    { body: '{"email":"a@example.com"}', headers: { 'Content-Type': 'application/jsonp' } },
    415,
    'content-type',
    'a look-alike media type',
  ),
  update(
    { body: '{"email":"a@example.com"}', headers: { 'Content-Type': 'application/vnd.evil+json' } },
    415,
    'content-type',
    'a vendor +json type',
  ),
  update(
    { body: '{"email":"a@example.com"}', headers: { 'Content-Type': '' } },
    415,
    'content-type',
    'no content type',
  ),
  update(
    { body: JSON.stringify({ attributes: { name: 'n'.repeat(16_400) } }) },
    413,
    'body',
    'a body over 16 KB',
  ),
  update(
    {
      body: Buffer.from(JSON.stringify({ attributes: { name: 'n'.repeat(16_400) } })).toString('base64'),
      isBase64Encoded: true,
    },
    413,
    'body',
    'a base64 body over 16 KB',
  ),
  update(
    { body: Buffer.from('{"email":').toString('base64'), isBase64Encoded: true },
    400,
    'body',
    'malformed base64 JSON',
  ),
  update({}, 400, 'body', 'no body'),
  update({ body: 'null' }, 400, 'body', 'JSON null'),
  update({ body: '[]' }, 400, 'body', 'a JSON array'),
  update({ body: '"a@example.com"' }, 400, 'body', 'a JSON string'),
  update({ body: {} }, 400, 'body', 'nothing to change'),
  update({ body: { email: '' } }, 400, 'email', 'an empty email'),
  update({ body: { email: 'not-an-address' } }, 400, 'email', 'an invalid email'),
  update(
    { body: { email: 'a@example.com\r\nBcc: all@example.com' } },
    400,
    'email',
    'header injection in email',
  ),
  update({ body: { email: '<script>alert(1)</script>@example.com' } }, 400, 'email', 'a script in email'),
  update({ body: { email: "' OR '1'='1' --@example.com" } }, 400, 'email', 'SQL in email'),
  update({ body: { email: ['a@example.com'] } }, 400, 'email', 'email as a list'),
  update({ body: { email: { $ne: null } } }, 400, 'email', 'an operator object as email'),
  update(
    { body: { attributes: { 'custom:unknown': 'x' } } },
    400,
    'custom:unknown',
    'an undeclared custom attribute',
  ),
  update(
    { body: { attributes: { favourite_colour: 'x' } } },
    400,
    'favourite_colour',
    'an unknown attribute',
  ),
  update({ body: { attributes: { sub: 'someone-elses-sub' } } }, 400, 'sub', 'changing sub'),
  update({ body: { attributes: { identities: '[]' } } }, 400, 'identities', 'changing identities'),
  update(
    { body: { attributes: { 'cognito:user_status': 'CONFIRMED' } } },
    400,
    'cognito:user_status',
    'a cognito:*',
  ),
  update(
    { body: { attributes: { 'cognito:groups': 'dr-admins' } } },
    400,
    'cognito:groups',
    'self-granting groups',
  ),
  update(
    { body: { attributes: { 'custom:source_sub': 'x' } } },
    400,
    'custom:source_sub',
    'custom:source_sub',
  ),
  update(
    { body: { attributes: { 'dev:custom:tier': 'x' } } },
    400,
    'dev:custom:tier',
    'a developer-only attribute',
  ),
  update({ body: { attributes: { name: 42 } } }, 400, 'name', 'a number where a string belongs'),
  update({ body: { attributes: { email_verified: true } } }, 400, 'email_verified', 'a JSON boolean'),
  update(
    { body: { attributes: { email_verified: 'yes' } } },
    400,
    'email_verified',
    'a boolean spelt otherwise',
  ),
  update(
    { body: { attributes: { phone_number: '555-0100' } } },
    400,
    'phone_number',
    'a phone number not E.164',
  ),
  update(
    { body: { attributes: { website: 'javascript:alert(document.cookie)' } } },
    400,
    'website',
    'a javascript: URL',
  ),
  update(
    { body: { attributes: { 'custom:plan_seats': '1 OR 1=1' } } },
    400,
    'custom:plan_seats',
    'SQL in a number',
  ),
  update(
    { body: { attributes: { 'custom:plan_seats': '1e9' } } },
    400,
    'custom:plan_seats',
    'a number out of range',
  ),
  update(
    { body: { attributes: { 'custom:tier': 't'.repeat(65) } } },
    400,
    'custom:tier',
    'a custom string too long',
  ),
  update({ body: { attributes: { name: 'Ann\u0000' } } }, 400, 'name', 'a NUL in a value'),
  update(
    { body: { attributes: { name: 'line\nlevel=ERROR forged' } } },
    400,
    'name',
    'log forging in a value',
  ),
  update({ body: { attributes: { name: 'x'.repeat(2049) } } }, 400, 'name', 'a value over 2048 characters'),
  update({ body: { email: 'a@example.com', isAdmin: true } }, 400, 'isAdmin', 'an unknown top-level field'),
  update(
    { body: { email: 'a@example.com', username: 'someone-else' } },
    400,
    'username',
    'a username in the body',
  ),
  update(
    { body: '{"__proto__":{"isAdmin":true},"email":"a@example.com"}' },
    400,
    '__proto__',
    'prototype pollution',
  ),
  update({ body: '{"attributes":{"__proto__":"x"}}' }, 400, '__proto__', 'prototype pollution in attributes'),
  update({ body: '{"constructor":{"prototype":{"x":1}}}' }, 400, 'constructor', 'constructor pollution'),
  {
    name: 'createUser: no username',
    route: 'createUser',
    call: { body: { attributes: { email: 'a@example.com' } } },
    status: 400,
    field: 'username',
  },
  {
    name: 'createUser: a traversal username',
    route: 'createUser',
    call: { body: { username: '../../admin', attributes: {} } },
    status: 400,
    field: 'username',
  },
  {
    name: 'createUser: an invisible character in the username',
    route: 'createUser',
    call: { body: { username: 'vict\u200bim', attributes: {} } },
    status: 400,
    field: 'username',
  },
  {
    name: 'createUser: a username that is not NFC',
    route: 'createUser',
    call: { body: { username: 'vi\u0301ctim', attributes: {} } },
    status: 400,
    field: 'username',
  },
  {
    name: 'createUser: a username with a NUL',
    route: 'createUser',
    call: { body: { username: 'victim\u0000', attributes: {} } },
    status: 400,
    field: 'username',
  },
  {
    name: 'createUser: MessageAction smuggled in',
    route: 'createUser',
    call: { body: { username: 'newcomer', attributes: {}, MessageAction: 'RESEND' } },
    status: 400,
    field: 'MessageAction',
  },
  {
    name: 'createUser: a forbidden attribute',
    route: 'createUser',
    call: { body: { username: 'newcomer', attributes: { 'custom:source_sub': 'forged' } } },
    status: 400,
    field: 'custom:source_sub',
  },
  {
    name: 'createUser: self-granting cognito:groups',
    route: 'createUser',
    call: { body: { username: 'newcomer', attributes: { 'cognito:groups': ADMIN_GROUP } } },
    status: 400,
    field: 'cognito:groups',
  },
  {
    name: 'createUser: groups as a string',
    route: 'createUser',
    call: { body: { username: 'newcomer', attributes: {}, groups: ADMIN_GROUP } },
    status: 400,
    field: 'groups',
  },
  {
    name: 'createUser: a traversal group',
    route: 'createUser',
    call: { body: { username: 'newcomer', attributes: {}, groups: ['../dr-admins'] } },
    status: 400,
    field: 'groups',
  },
  {
    name: 'createUser: a password with whitespace',
    route: 'createUser',
    call: { body: { username: 'newcomer', attributes: {}, temporaryPassword: 'pass word' } },
    status: 400,
    field: 'temporaryPassword',
  },
  {
    name: 'createUser: sendInvitation as a string',
    route: 'createUser',
    call: { body: { username: 'newcomer', attributes: {}, sendInvitation: 'false' } },
    status: 400,
    field: 'sendInvitation',
  },
  {
    name: 'createUser: a form body',
    route: 'createUser',
    call: { body: 'username=newcomer', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
    status: 415,
    field: 'content-type',
  },
  {
    name: 'createUser: no body',
    route: 'createUser',
    call: {},
    status: 400,
    field: 'body',
  },
  ...(
    ['getUser', 'deleteUser', 'disableUser', 'enableUser', 'addUserToGroup', 'removeUserFromGroup'] as const
  ).map(
    (route): HostileCase => ({
      name: `${route}: a body where none belongs`,
      route,
      call: { body: { username: 'someone-else' } },
      status: 400,
      field: 'body',
    }),
  ),
];

// ---- Names in the path ------------------------------------------------------------------------------------------
const hostileUsernames: [string, string][] = [
  ['dot-dot', '..'],
  ['a traversal', '../../admin'],
  ['a backslash traversal', '..\\..\\admin'],
  ['a slash', 'victim/../admin'],
  ['a zero-width space', 'vic\u200btim'],
  ['a right-to-left override', 'victim\u202etxt.exe'],
  ['a byte-order mark', '\ufeffvictim'],
  ['a Hangul filler', 'victim\u3164'],
  ['a NUL', 'victim\u0000'],
  ['a newline', 'victim\nadmin'],
  ['a space', 'vic tim'],
  ['a lone surrogate', 'victim\ud800'],
  ['129 characters', 'v'.repeat(129)],
];

const pathRoutes = ROUTE_NAMES.filter((route) => route !== 'createUser');

const pathCases: HostileCase[] = [
  ...pathRoutes.flatMap((route) =>
    hostileUsernames.map(
      ([name, username]): HostileCase => ({
        name: `${route}: username with ${name}`,
        route,
        call: { username, ...(route === 'updateUser' ? { body: { email: 'a@example.com' } } : {}) },
        status: 400,
        field: 'username',
      }),
    ),
  ),
  ...pathRoutes.map(
    (route): HostileCase => ({
      name: `${route}: no username parameter`,
      route,
      call: { pathParameters: null, ...(route === 'updateUser' ? { body: { email: 'a@example.com' } } : {}) },
      status: 400,
      field: 'username',
    }),
  ),
  ...(['addUserToGroup', 'removeUserFromGroup'] as const).flatMap((route) =>
    [
      ['a traversal', '../dr-admins'],
      ['a zero-width joiner', 'dr-\u200dadmins'],
      ['whitespace', 'dr admins'],
      ['129 characters', 'g'.repeat(129)],
    ].map(
      ([name, group]): HostileCase => ({
        name: `${route}: group with ${name}`,
        route,
        call: { group },
        status: 400,
        field: 'group',
      }),
    ),
  ),
];

const cases = [...tokenCases, ...bodyCases, ...pathCases];

describe('hostile requests', () => {
  it('covers every route', () => {
    expect(new Set(cases.map(({ route }) => route))).toEqual(new Set(ROUTE_NAMES));
    // Pinned, so a case lost from the lists above is noticed: a change to them updates this number on purpose.
    expect(cases.length).toBe(244);
  });

  it.each(cases.map((hostile) => [hostile.name, hostile] as const))('%s', async (_, hostile) => {
    const api = givenAdminApi();
    const answer = await api.call(hostile.route, hostile.call);

    expect(answer.statusCode).toBe(hostile.status);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(typeof answer.body?.message).toBe('string');
    if (hostile.field) expect(answer.body?.field).toBe(hostile.field);
    if (hostile.status === 401)
      expect(answer.headers['www-authenticate']).toBe('Bearer error="invalid_token"');

    // Refused before any AWS call: not even a read.
    expect(api.pool.calls).toEqual([]);
    expect(api.pool.changes).toEqual([]);
    expect(api.capture.calls).toEqual([]);
    expect(api.capture.table.size).toBe(0);

    // One log line, at info level (a refusal is not our failure), carrying nothing the caller sent.
    expect(api.logs).toHaveLength(1);
    expect(api.logs[0]?.level).toBe('info');
    const logged = JSON.stringify(api.logs);
    const sent = [hostile.call.username, hostile.call.token, JSON.stringify(hostile.call.body)].filter(
      (value): value is string => typeof value === 'string' && value.length > 3,
    );
    for (const value of sent) expect(logged).not.toContain(value);
    expect(logged).not.toContain('Bearer');
  });
});

describe('the same calls with an administrator token', () => {
  it.each(ROUTE_NAMES)('%s succeeds, so the token cases above fail on the token alone', async (route) => {
    const api = givenAdminApi();
    const body = legitimateBody(route);
    const answer = await api.call(route, body ? { body } : {});
    expect([200, 201, 204]).toContain(answer.statusCode);
  });
});

describe('hostile-looking but valid input', () => {
  it.each([
    ['SQL in a name', 'name', "Robert'); DROP TABLE users;--"],
    ['a script in a nickname', 'nickname', '<script>alert(1)</script>'],
    ['SQL in a custom string', 'custom:tenant_id', "1' OR '1'='1"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${...} is the payload under test
    ['template syntax in a custom string', 'custom:tier', '${jndi:ldap://x}{{7*7}}'],
    ['a right-to-left mark inside a name (legitimate in bidi text)', 'name', 'שלום\u200fAnn'],
  ])('stores %s verbatim: it is text, and no layer here interprets it', async (_, name, value) => {
    const api = givenAdminApi();
    const answer = await api.call('updateUser', { body: { attributes: { [name]: value } } });
    expect(answer.statusCode).toBe(200);
    expect(api.pool.user('victim')?.attributes[name]).toBe(value);
    const user = answer.body?.user as { attributes: Record<string, string> } | undefined;
    expect(user?.attributes[name]).toBe(value);
    expect(JSON.stringify(api.logs)).not.toContain(value);
  });

  it('treats a literal percent-encoded name as a plain (unknown) username: 404, not a traversal', async () => {
    const api = givenAdminApi();
    const answer = await api.call('getUser', { username: '%2e%2e%2fadmin' });
    expect(answer.statusCode).toBe(404);
    expect(api.pool.changes).toEqual([]);
  });
});
