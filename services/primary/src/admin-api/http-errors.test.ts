// How each failure becomes a response: 4xx name what is wrong, 5xx say nothing internal, throttling says when.
import { createError } from '@middy/util';
import { CaptureFailedError, NotFoundError, ValidationError } from './errors';
import { mapError } from './http-errors';
import { awsError } from './testing/fakes';

describe('mapError', () => {
  it.each<[string, unknown, number, object, Record<string, string>?]>([
    [
      'a validation error',
      new ValidationError('email', 'not a valid address'),
      400,
      { message: 'email: not a valid address', field: 'email' },
    ],
    [
      'an oversized body',
      new ValidationError('body', 'too big', 413),
      413,
      { message: 'body: too big', field: 'body' },
    ],
    ['a missing group', NotFoundError.group('group'), 404, { field: 'group' }],
    ['UserNotFoundException', awsError('UserNotFoundException'), 404, { field: 'username' }],
    ['UsernameExistsException', awsError('UsernameExistsException'), 409, { field: 'username' }],
    ['AliasExistsException', awsError('AliasExistsException'), 409, { field: 'attributes' }],
    ['InvalidPasswordException', awsError('InvalidPasswordException'), 400, { field: 'temporaryPassword' }],
    [
      'InvalidParameterException, with control characters stripped',
      awsError('InvalidParameterException', 'Invalid phone number format.\n'),
      400,
      { message: 'the user pool refused the request: Invalid phone number format.' },
    ],
    [
      'Cognito throttling',
      awsError('TooManyRequestsException'),
      429,
      { message: 'Too Many Requests: retry shortly' },
      { 'retry-after': '1' },
    ],
    [
      'DynamoDB throttling',
      awsError('ProvisionedThroughputExceededException'),
      429,
      { message: 'Too Many Requests: retry shortly' },
      { 'retry-after': '1' },
    ],
    [
      'a failed capture',
      new CaptureFailedError(awsError('InternalServerError', 'secret detail')),
      503,
      { message: 'Service Unavailable: the request did not complete; it is safe to retry' },
      { 'retry-after': '5' },
    ],
    [
      'a 401 from the auth check',
      Object.assign(createError(401, 'authorization: x'), { field: 'authorization' }),
      401,
      {
        message: 'authorization: x',
        field: 'authorization',
      },
      { 'www-authenticate': 'Bearer error="invalid_token"' },
    ],
    [
      'a 503 HttpError',
      createError(503, 'jwks at http://10.0.0.1 down'),
      503,
      { message: 'Service Unavailable' },
    ],
    [
      'an unexposed 4xx',
      createError(400, 'internal detail', { expose: false }),
      400,
      { message: 'Request refused' },
    ],
    ['ResourceNotFoundException outside the group routes', awsError('ResourceNotFoundException'), 500, {}],
    ['AccessDeniedException (our IAM)', awsError('AccessDeniedException', 'arn:aws:iam::1:role/x'), 500, {}],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')"), 500, {}],
    ['a thrown string', 'oops', 500, {}],
    ['undefined', undefined, 500, {}],
  ])('%s', (_, error, statusCode, body, headers = {}) => {
    // (`headers = {}` keeps the arity at 4, so Jest does not pass its `done` callback into rows without headers.)
    const mapped = mapError(error);
    expect(mapped.statusCode).toBe(statusCode);
    expect(mapped.body).toMatchObject(body);
    if (statusCode >= 500 && statusCode !== 503)
      expect(mapped.body).toEqual({ message: 'Internal Server Error' });
    expect(mapped.headers ?? {}).toMatchObject(headers);
  });

  it('never passes a 5xx message on', () => {
    for (const error of [
      new Error('db password is hunter2'),
      createError(500, 'hunter2'),
      createError(502, 'hunter2'),
    ]) {
      expect(JSON.stringify(mapError(error))).not.toContain('hunter2');
    }
  });
});
