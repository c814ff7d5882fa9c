// Wraps a route core in the admin API's Middy stack: access log, error mapping, header normalisation, the admin
// token check, then the guarded JSON body; the route only ever sees an authenticated, size-checked request.
import { lambdaHandler } from '@cognito-dr/shared';
import type { Request } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { accessLog, type LogSink } from './access-log';
import { httpErrors } from './http-errors';
import { jsonBody } from './json-body';
import { requireActiveRegion } from './require-active-region';
import { requireAdmin, type TokenVerifier } from './require-admin';
import { jsonResponse } from './respond';
import type { Route, RouteResult } from './route';

export interface HandlerOptions {
  verifier: TokenVerifier;
  adminGroup: string;
  /** Where the access log goes: the function's logger unless a test gives its own. */
  logger?: LogSink;
  /** Whether this region is the active one; changing routes are refused while it is not. */
  isActive: () => Promise<boolean>;
}

/** Turns the route's result into the HTTP response, keeping its note for the access log. */
const routeResponse = () => {
  const routeResponseMiddlewareAfter = async (request: Request): Promise<void> => {
    const { statusCode, body, note } = request.response as RouteResult;
    (request.internal as Record<string, unknown>).note = note;
    request.response = jsonResponse(statusCode, statusCode === 204 ? undefined : body);
  };
  return { after: routeResponseMiddlewareAfter };
};

/** An admin API function: the one handler factory, with the user-reference key the access log needs. */
export function makeHandler(route: Route, { verifier, adminGroup, logger, isActive }: HandlerOptions) {
  return lambdaHandler<APIGatewayProxyEvent, APIGatewayProxyResult>(
    () => async (event) =>
      (await route({
        params: event.pathParameters ?? {},
        body: event.body,
      })) as unknown as APIGatewayProxyResult,
    {
      logsUsers: true,
      // `after` and `onError` run in reverse order of use: the route's result is shaped first, errors are mapped
      // before the access log writes the line with the final status.
      middlewares: (tools) => [
        accessLog({ logger: logger ?? tools.logger }),
        httpErrors(),
        httpHeaderNormalizer(),
        requireAdmin({ verifier, adminGroup }),
        requireActiveRegion({ isActive }),
        jsonBody(),
        routeResponse(),
      ],
    },
  );
}
