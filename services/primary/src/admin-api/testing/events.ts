// Test-only API Gateway REST (v1) proxy events, shaped like the ones API Gateway and serverless offline send.
import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface EventInput {
  method: string;
  resource: string;
  pathParameters?: Record<string, string> | null;
  headers?: Record<string, string>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** Like encodeURIComponent, but keeps what it cannot encode (a lone surrogate), as a raw request could. */
function encodePathPart(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}

export function apiEvent({
  method,
  resource,
  pathParameters = null,
  headers = {},
  body = null,
  isBase64Encoded = false,
}: EventInput): APIGatewayProxyEvent {
  const path = Object.entries(pathParameters ?? {}).reduce(
    (built, [name, value]) => built.replace(`{${name}}`, encodePathPart(value)),
    resource,
  );
  return {
    httpMethod: method,
    resource,
    path,
    pathParameters,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-1',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path,
      stage: 'dev',
      requestId: 'api-request-1',
      requestTimeEpoch: 1_700_000_000_000,
      resourceId: 'res-1',
      resourcePath: resource,
    },
  };
}
