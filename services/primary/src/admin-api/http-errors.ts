// Middleware turning every failure into a JSON response: 4xx name the field and rule, 5xx say nothing internal.

import { errorName, isThrottling } from '@cognito-dr/shared';
import type { Request } from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { CaptureFailedError, NotFoundError, RegionStandbyError, ValidationError } from './errors';
import { jsonResponse } from './respond';

export interface ErrorBody {
  message: string;
  field?: string;
}

interface Mapped {
  statusCode: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/**
 * AWS errors whose meaning does not depend on the route. ResourceNotFoundException is not here: only the group
 * routes know it means "no such group" (elsewhere it would mean the pool itself is missing, a 500).
 */
const AWS_ERRORS: Record<string, Mapped> = {
  UserNotFoundException: {
    statusCode: 404,
    body: { message: NotFoundError.user().message, field: 'username' },
  },
  UsernameExistsException: {
    statusCode: 409,
    body: { message: 'username: already taken in the primary pool', field: 'username' },
  },
  AliasExistsException: {
    statusCode: 409,
    body: {
      message: 'attributes: the email or phone number already belongs to another user',
      field: 'attributes',
    },
  },
  InvalidPasswordException: {
    statusCode: 400,
    body: {
      message: "temporaryPassword: does not meet the pool's password policy",
      field: 'temporaryPassword',
    },
  },
};

const INTERNAL: Mapped = { statusCode: 500, body: { message: 'Internal Server Error' } };

// Cognito's own wording says which rule was broken ("Invalid email address format."); it is passed on, trimmed
// and stripped of control characters, because it is the only place that says what the pool disliked.
function cognitoMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : '';
  const clean = raw.replace(/\p{C}/gu, ' ').trim().slice(0, 200);
  return clean ? `the user pool refused the request: ${clean}` : 'the user pool refused the request';
}

interface ExposableError {
  statusCode: number;
  expose?: boolean;
  message: string;
  field?: unknown;
}

function isHttpError(error: unknown): error is ExposableError {
  return error instanceof Error && typeof (error as Partial<ExposableError>).statusCode === 'number';
}

export function mapError(error: unknown): Mapped {
  if (error instanceof ValidationError || error instanceof NotFoundError) {
    const statusCode = error instanceof ValidationError ? error.statusCode : 404;
    return { statusCode, body: { message: error.message, field: error.field } };
  }
  if (error instanceof RegionStandbyError) return { statusCode: 409, body: { message: error.message } };
  if (error instanceof CaptureFailedError) {
    // The pool may have changed but the table did not follow: never a success, and every route can be replayed.
    return {
      statusCode: 503,
      body: { message: 'Service Unavailable: the request did not complete; it is safe to retry' },
      headers: { 'retry-after': '5' },
    };
  }
  const name = errorName(error);
  // Cognito and DynamoDB throttling: the caller may retry after a pause.
  if (isThrottling(error)) {
    return {
      statusCode: 429,
      body: { message: 'Too Many Requests: retry shortly' },
      headers: { 'retry-after': '1' },
    };
  }
  if (name === 'InvalidParameterException')
    return { statusCode: 400, body: { message: cognitoMessage(error) } };
  if (name && Object.hasOwn(AWS_ERRORS, name)) return AWS_ERRORS[name] ?? INTERNAL;
  // Middy HttpErrors (createError): their message is meant for the caller only when `expose` (status < 500).
  if (isHttpError(error) && error.statusCode >= 400 && error.statusCode < 600) {
    if (error.statusCode >= 500 || error.expose === false) {
      return { statusCode: error.statusCode, body: { message: statusText(error.statusCode) } };
    }
    const body: ErrorBody = { message: error.message };
    if (typeof error.field === 'string') body.field = error.field;
    const headers: Record<string, string> =
      error.statusCode === 401 ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {};
    return { statusCode: error.statusCode, body, headers };
  }
  return INTERNAL;
}

function statusText(statusCode: number): string {
  if (statusCode < 500) return 'Request refused';
  if (statusCode === 502) return 'Bad Gateway';
  if (statusCode === 503) return 'Service Unavailable';
  if (statusCode === 504) return 'Gateway Timeout';
  return 'Internal Server Error';
}

export const httpErrors = () => {
  const httpErrorsMiddlewareOnError = async (
    request: Request<unknown, APIGatewayProxyResult>,
  ): Promise<void> => {
    // Another middleware already answered.
    if (request.response !== undefined && request.response !== null) return;
    const { statusCode, body, headers } = mapError(request.error);
    request.response = jsonResponse(statusCode, body, headers);
  };

  return { onError: httpErrorsMiddlewareOnError };
};
