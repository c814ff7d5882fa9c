// Middleware writing one log line per request with ids, status and timing only: never the event, the body, an
// attribute value, the token or an error message (Cognito's can quote the username).

import { errorName, userRef } from '@cognito-dr/shared';
import type { Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export interface LogSink {
  info(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

type AdminRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult>;

function subjectRef(event: APIGatewayProxyEvent): string | undefined {
  const fromPath = event.pathParameters?.username;
  if (typeof fromPath === 'string') return userRef(fromPath);
  // POST /users names the user in the body, which is an object only once the JSON parser has run.
  const body: unknown = event.body;
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { username?: unknown }).username === 'string'
  ) {
    return userRef((body as { username: string }).username);
  }
  return undefined;
}

/** Names and AWS request ids only: safe to log, and enough to find the failure in CloudTrail or X-Ray. */
function describeError(error: unknown): Record<string, unknown> {
  const cause = error instanceof Error ? error.cause : undefined;
  const described: Record<string, unknown> = { name: errorName(error) ?? typeof error };
  if (cause !== undefined) {
    const reason = (cause as { reason?: unknown }).reason;
    described.cause = typeof reason === 'string' ? reason : (errorName(cause) ?? typeof cause);
  }
  const awsRequestId = awsRequestIdOf(error) ?? awsRequestIdOf(cause);
  if (awsRequestId) described.awsRequestId = awsRequestId;
  return described;
}

function awsRequestIdOf(error: unknown): string | undefined {
  const id = (error as { $metadata?: { requestId?: unknown } } | undefined)?.$metadata?.requestId;
  return typeof id === 'string' ? id : undefined;
}

export const accessLog = (opts: { logger: LogSink; now?: () => number }) => {
  const { logger, now = Date.now } = opts;

  const fields = (request: AdminRequest): Record<string, unknown> => {
    const { event, internal } = request as AdminRequest & { internal: Record<string, unknown> };
    const startedAt = internal.startedAt;
    return {
      route: `${event.httpMethod} ${event.resource}`,
      requestId: event.requestContext?.requestId,
      lambdaRequestId: request.context?.awsRequestId,
      user: subjectRef(event),
      caller: (internal.caller as { sub?: string } | undefined)?.sub,
      statusCode: request.response?.statusCode,
      ...(internal.note as Record<string, unknown> | undefined),
      durationMs: typeof startedAt === 'number' ? now() - startedAt : undefined,
    };
  };

  const accessLogMiddlewareBefore = async (request: AdminRequest): Promise<void> => {
    (request.internal as Record<string, unknown>).startedAt = now();
  };

  const accessLogMiddlewareAfter = async (request: AdminRequest): Promise<void> => {
    logger.info('admin request', fields(request));
  };

  const accessLogMiddlewareOnError = async (request: AdminRequest): Promise<void> => {
    const line = { ...fields(request), error: describeError(request.error) };
    const statusCode = request.response?.statusCode ?? 500;
    if (statusCode >= 500) logger.error('admin request failed', line);
    else logger.info('admin request refused', line);
  };

  return {
    before: accessLogMiddlewareBefore,
    after: accessLogMiddlewareAfter,
    onError: accessLogMiddlewareOnError,
  };
};
