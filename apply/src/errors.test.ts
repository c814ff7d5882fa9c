import {
  InternalErrorException,
  InvalidParameterException,
  LimitExceededException,
  NotAuthorizedException,
  ResourceNotFoundException,
  TooManyRequestsException,
  UnexpectedLambdaException,
  UserLambdaValidationException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  ConcurrentWriteError,
  ConfigError,
  RecordFormatError,
  UnsupportedSchemaError,
} from '@cognito-dr/shared';
import { ConvergenceConflictError, classifyError } from './errors';
import { ReplicatorClientError } from './replicator-client';

const meta = { $metadata: {} };

describe('classifyError', () => {
  it.each([
    ['TooManyRequestsException', new TooManyRequestsException({ message: 'x', ...meta })],
    ['LimitExceededException', new LimitExceededException({ message: 'x', ...meta })],
    ['InternalErrorException', new InternalErrorException({ message: 'x', ...meta })],
    ['ThrottlingException by name', Object.assign(new Error('x'), { name: 'ThrottlingException' })],
    ['a 503', Object.assign(new Error('x'), { name: 'Whatever', $metadata: { httpStatusCode: 503 } })],
    ['a 429', Object.assign(new Error('x'), { name: 'Whatever', $metadata: { httpStatusCode: 429 } })],
    ['an SDK-retryable error', Object.assign(new Error('x'), { name: 'Whatever', $retryable: {} })],
    ['a reset socket', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a timeout', Object.assign(new Error('x'), { name: 'TimeoutError' })],
    ['a lost write race', new ConcurrentWriteError(5)],
    ['a convergence conflict', new ConvergenceConflictError(3)],
    ['a trigger that timed out', new UnexpectedLambdaException({ message: 'x', ...meta })],
  ])('treats %s as transient', (_label, error) => {
    expect(classifyError(error)).toBe('transient');
  });

  it.each([
    ['a record of a newer schema', new UnsupportedSchemaError('schemaVersion', 'newer')],
    ['AccessDeniedException', Object.assign(new Error('x'), { name: 'AccessDeniedException' })],
    ['a missing pool or table', new ResourceNotFoundException({ message: 'x', ...meta })],
    ['a refused client secret', new NotAuthorizedException({ message: 'x', ...meta })],
    ['a missing replicator client', new ReplicatorClientError('REPLICATOR_CLIENT_ID: no such app client')],
    ['a configuration error', new ConfigError('environment variable X must be set')],
    ['a trigger refusing the replicator', new UserLambdaValidationException({ message: 'x', ...meta })],
  ])('treats %s as blocking', (_label, error) => {
    expect(classifyError(error)).toBe('blocking');
  });

  it.each([
    ['InvalidParameterException', new InvalidParameterException({ message: 'x', ...meta })],
    ['UsernameExistsException', new UsernameExistsException({ message: 'x', ...meta })],
    ['RecordFormatError', new RecordFormatError('status', 'unknown')],
    ['a 400', Object.assign(new Error('x'), { name: 'Whatever', $metadata: { httpStatusCode: 400 } })],
    ['a bug', new TypeError('cannot read properties of undefined')],
    ['a thrown string', 'boom'],
  ])('treats %s as permanent', (_label, error) => {
    expect(classifyError(error)).toBe('permanent');
  });
});
