// Calls the admin API one of two ways with the same request: over HTTP against `serverless offline`, or
// in-process by handing the handler an API Gateway event. Acceptance cases are written once and run both ways.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { stack } from './stack';

export type ApiMode = 'http' | 'in-process';
export const API_MODES: ApiMode[] = ['in-process', 'http'];

export interface ApiRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  token?: string;
  /** A string is sent as it is (malformed JSON, say); anything else is JSON-encoded. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const ROUTES: Array<{ method: ApiRequest['method']; pattern: RegExp; resource: string; file: string }> = [
  { method: 'POST', pattern: /^\/users$/, resource: '/users', file: 'create-user' },
  { method: 'GET', pattern: /^\/users\/([^/]+)$/, resource: '/users/{username}', file: 'get-user' },
  { method: 'PUT', pattern: /^\/users\/([^/]+)$/, resource: '/users/{username}', file: 'update-user' },
  { method: 'DELETE', pattern: /^\/users\/([^/]+)$/, resource: '/users/{username}', file: 'delete-user' },
  {
    method: 'POST',
    pattern: /^\/users\/([^/]+)\/disable$/,
    resource: '/users/{username}/disable',
    file: 'disable-user',
  },
  {
    method: 'POST',
    pattern: /^\/users\/([^/]+)\/enable$/,
    resource: '/users/{username}/enable',
    file: 'enable-user',
  },
  {
    method: 'PUT',
    pattern: /^\/users\/([^/]+)\/groups\/([^/]+)$/,
    resource: '/users/{username}/groups/{group}',
    file: 'add-user-to-group',
  },
  {
    method: 'DELETE',
    pattern: /^\/users\/([^/]+)\/groups\/([^/]+)$/,
    resource: '/users/{username}/groups/{group}',
    file: 'remove-user-from-group',
  },
];

const encodeBody = (body: unknown) =>
  body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);

const headersOf = (request: ApiRequest): Record<string, string> => ({
  ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
  ...(request.token ? { Authorization: `Bearer ${request.token}` } : {}),
  ...request.headers,
});

const overHttp = async (request: ApiRequest): Promise<ApiResponse> => {
  const response = await fetch(`${stack.api.baseUrl}${request.path}`, {
    method: request.method,
    headers: headersOf(request),
    body: encodeBody(request.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? safeJson(text) : null,
    headers: Object.fromEntries(response.headers),
  };
};

/** The in-process handlers read their settings at load: the same ones serverless.yml gives them locally. */
const configureInProcess = () => {
  Object.assign(process.env, {
    AWS_REGION: stack.primary.region,
    AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stack.primary.cognitoEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: stack.primary.dynamodbEndpoint,
    USER_POOL_ID: stack.primary.userPoolId,
    USER_POOL_CLIENT_ID: stack.primary.clientId,
    TABLE_NAME: stack.primary.tableName,
    ADMIN_GROUP: stack.admin.group,
    JWT_ISSUER: `${stack.primary.cognitoEndpoint}/${stack.primary.userPoolId}`,
    JWKS_URI: `${stack.primary.cognitoEndpoint}/${stack.primary.userPoolId}/.well-known/jwks.json`,
    BACKUP_REGION: stack.backup.region,
    BACKUP_USER_POOL_ID: stack.backup.userPoolId,
    BACKUP_COGNITO_ENDPOINT: stack.backup.cognitoEndpoint,
    PRIMARY_REGION: stack.primary.region,
    CONTROL_TABLE_NAME: stack.primary.controlTableName,
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
};

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const handlers = new Map<string, Handler>();

const inProcess = async (request: ApiRequest): Promise<ApiResponse> => {
  const [pathOnly] = request.path.split('?');
  const route = ROUTES.find((r) => r.method === request.method && r.pattern.test(pathOnly ?? ''));
  if (!route) return { status: 404, body: { message: 'no such route' }, headers: {} };
  const match = route.pattern.exec(pathOnly ?? '') ?? [];
  const names = [...route.resource.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const pathParameters = Object.fromEntries(
    names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]),
  );
  let handler = handlers.get(route.file);
  if (!handler) {
    configureInProcess();
    handler = (
      require(join(__dirname, '../../services/primary/src/functions/admin-api', route.file)) as {
        handler: Handler;
      }
    ).handler;
    handlers.set(route.file, handler);
  }
  const headers = headersOf(request);
  const requestId = randomUUID();
  const result = await handler(
    {
      httpMethod: request.method,
      path: pathOnly ?? '',
      resource: route.resource,
      pathParameters: names.length > 0 ? pathParameters : null,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      stageVariables: null,
      body: encodeBody(request.body) ?? null,
      isBase64Encoded: false,
      requestContext: {
        requestId,
        httpMethod: request.method,
        path: pathOnly,
        resourcePath: route.resource,
      } as never,
    },
    { awsRequestId: requestId, functionName: route.file, getRemainingTimeInMillis: () => 10_000 } as Context,
  );
  return {
    status: result.statusCode,
    body: result.body ? safeJson(result.body) : null,
    headers: Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
    ),
  };
};

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

export const callApi = (mode: ApiMode, request: ApiRequest): Promise<ApiResponse> =>
  mode === 'http' ? overHttp(request) : inProcess(request);
