// PUT /users/{username} through the full stack: the pool changes, the record follows, and any failure to record
// it is an error.
import { awsError } from '../testing/fakes';
import { givenAdminApi } from '../testing/harness';

describe('PUT /users/{username}', () => {
  it('takes the earlier sample body, marks the new address verified, and answers with the recorded user', async () => {
    const api = givenAdminApi();
    const answer = await api.call('updateUser', { body: { email: 'new@example.com' } });

    expect(answer.statusCode).toBe(200);
    expect(api.pool.changes).toEqual([
      {
        method: 'updateAttributes',
        args: [
          'victim',
          [
            { Name: 'email', Value: 'new@example.com' },
            { Name: 'email_verified', Value: 'true' },
          ],
        ],
      },
    ]);
    expect(api.capture.calls).toEqual(['victim']);
    expect(answer.body).toEqual({
      user: {
        username: 'victim',
        sub: 'sub-1',
        attributes: {
          email: 'new@example.com',
          email_verified: 'true',
          name: 'Victim',
          'custom:tier': 'gold',
        },
        enabled: true,
        status: 'CONFIRMED',
        groups: ['staff'],
      },
      record: { version: 1, updatedAt: 1_700_000_001_000 },
    });
    expect(answer.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  });

  it('changes standard and custom attributes together', async () => {
    const api = givenAdminApi();
    const answer = await api.call('updateUser', {
      body: { attributes: { name: 'V. Ictim', 'custom:tier': 'platinum', 'custom:plan_seats': '12' } },
    });
    expect(answer.statusCode).toBe(200);
    expect(api.pool.user('victim')?.attributes).toMatchObject({
      name: 'V. Ictim',
      'custom:tier': 'platinum',
      'custom:plan_seats': '12',
    });
    expect(api.pool.user('victim')?.attributes.email_verified).toBeUndefined();
  });

  it('logs the request with a username reference, the capture outcome and no values', async () => {
    const api = givenAdminApi();
    await api.call('updateUser', { body: { email: 'new@example.com' } });
    expect(api.logs).toEqual([
      {
        level: 'info',
        message: 'admin request',
        fields: expect.objectContaining({
          route: 'PUT /users/{username}',
          requestId: 'api-request-1',
          lambdaRequestId: 'lambda-1',
          user: expect.stringMatching(/^[0-9a-f]{12}$/),
          caller: 'admin-sub-1',
          statusCode: 200,
          capture: 'written',
          version: 1,
        }),
      },
    ]);
    expect(JSON.stringify(api.logs)).not.toMatch(/victim|new@example/);
  });

  it('answers 404 for an unknown user, after making sure the table has no live record of it', async () => {
    const api = givenAdminApi();
    const answer = await api.call('updateUser', { username: 'nobody', body: { email: 'a@example.com' } });
    expect(answer.statusCode).toBe(404);
    expect(answer.body).toEqual({ message: 'username: no such user in the primary pool', field: 'username' });
    expect(api.capture.calls).toEqual(['nobody']);
  });

  it('answers 503, with nothing that reads as success, when the record cannot be written', async () => {
    const api = givenAdminApi();
    api.capture.failNext(
      awsError('ProvisionedThroughputExceededException', 'Rate of requests exceeds victim@x'),
    );
    const answer = await api.call('updateUser', { body: { email: 'new@example.com' } });

    expect(answer.statusCode).toBe(503);
    expect(answer.body).toEqual({
      message: 'Service Unavailable: the request did not complete; it is safe to retry',
    });
    expect(answer.headers['retry-after']).toBe('5');
    expect(api.capture.table.size).toBe(0);
    expect(api.logs).toEqual([
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({
          statusCode: 503,
          user: expect.stringMatching(/^[0-9a-f]{12}$/),
          error: {
            name: 'CaptureFailedError',
            cause: 'ProvisionedThroughputExceededException',
            awsRequestId: 'aws-request-1',
          },
        }),
      }),
    ]);
    expect(JSON.stringify(api.logs)).not.toContain('victim');
  });

  it.each([
    ['AliasExistsException', 409, { message: expect.stringContaining('another user'), field: 'attributes' }],
    [
      'InvalidParameterException',
      400,
      { message: 'the user pool refused the request: Invalid email address format.' },
    ],
    ['TooManyRequestsException', 429, { message: 'Too Many Requests: retry shortly' }],
    ['InternalErrorException', 500, { message: 'Internal Server Error' }],
    ['ResourceNotFoundException', 500, { message: 'Internal Server Error' }],
  ])('maps %s from the pool to %i, after capturing', async (name, status, body) => {
    const api = givenAdminApi();
    api.pool.failNext('updateAttributes', awsError(name, 'Invalid email address format.'));
    const answer = await api.call('updateUser', { body: { email: 'new@example.com' } });
    expect(answer.statusCode).toBe(status);
    expect(answer.body).toEqual(body);
    expect(api.capture.calls).toEqual(['victim']);
    if (status === 429) expect(answer.headers['retry-after']).toBe('1');
  });

  it('addresses a user by any casing (the pool is case-insensitive) and records it under its own name', async () => {
    const api = givenAdminApi();
    const answer = await api.call('updateUser', {
      username: 'MIXED.case',
      body: { attributes: { name: 'M' } },
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.body?.user).toMatchObject({ username: 'Mixed.Case' });
    expect([...api.capture.table.keys()]).toEqual(['Mixed.Case']);
  });
});

describe('PUT /users/{username} against a pool that reports a missing user differently', () => {
  it('answers 404 when the fresh read shows no user, whatever error the change gave (cognito-local)', async () => {
    const api = givenAdminApi();
    api.pool.failNext('updateAttributes', awsError('NotAuthorizedException'));
    const answer = await api.call('updateUser', { username: 'nobody', body: { email: 'a@example.com' } });
    expect(answer.statusCode).toBe(404);
    expect(answer.body?.field).toBe('username');
  });

  it('keeps the change’s own error when the user is there', async () => {
    const api = givenAdminApi();
    api.pool.failNext('updateAttributes', awsError('NotAuthorizedException'));
    expect((await api.call('updateUser', { body: { email: 'a@example.com' } })).statusCode).toBe(500);
  });
});
