// LOCAL ONLY: stands in for CloudTrail + EventBridge in front of the primary cognito-local. Every call passes
// through unchanged; after each successful user-changing call it sends the primary service's out-of-band capture
// function the event AWS would deliver for it, asynchronously to the caller, as an EventBridge rule does.
// `PUT /__cloudtrail {"recording": false}` stops the events (CloudTrail delivery is best-effort), GET shows counts.
// The user is named by sub, as CloudTrail names them: read from the pool before the call (it may delete the user),
// after it (it may create the user), or from the access token for calls a user makes with their own token.
import { createServer, type IncomingMessage, request } from 'node:http';
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LOCAL_CREDENTIALS, requireEnv } from '../../lib/local-aws';
import { cloudTrailEvent, RECORDED_CALLS } from './cloudtrail-event';
import { deliveryQueue } from './delivery-queue';

const target = new URL(requireEnv('CLOUDTRAIL_TARGET'));
const port = Number(requireEnv('CLOUDTRAIL_PORT'));
const region = requireEnv('REGION');
const functionName = requireEnv('FUNCTION_NAME');
const lambdaEndpoint = requireEnv('LAMBDA_ENDPOINT');
const ACCOUNT = '000000000000';

const cognito = new CognitoIdentityProviderClient({
  region,
  endpoint: target.origin,
  credentials: LOCAL_CREDENTIALS,
});
const lambda = new LambdaClient({
  region,
  endpoint: lambdaEndpoint,
  credentials: LOCAL_CREDENTIALS,
  maxAttempts: 3,
});
const counts = { forwarded: 0, dropped: 0 };
/** Off simulates CloudTrail delivery being lost (it is best-effort): calls pass, no event is sent. */
let recording = true;
/**
 * Events are handed over a few at a time, as a function with reserved concurrency takes them; serverless offline
 * would otherwise start a worker per event and starve the machine during a bulk change.
 */
const DELIVERY_CONCURRENCY = 2;

const subOf = async (userPoolId: string | undefined, username: string | undefined) => {
  if (!userPoolId || !username) return undefined;
  try {
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
    return user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
  } catch {
    return undefined;
  }
};

/** The `sub` claim of an access token; the token was verified by the emulator when the call succeeded. */
const subOfToken = (token: unknown) => {
  if (typeof token !== 'string') return undefined;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
};

/** Public calls (ConfirmSignUp) name no pool; the local primary region has one. */
let onlyPool: string | undefined;
const poolOfClient = async () => {
  if (!onlyPool) {
    const { UserPools } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    onlyPool = UserPools?.length === 1 ? UserPools[0]?.Id : undefined;
  }
  return onlyPool;
};

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const delivery = deliveryQueue({
  invoke: async (event) => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }),
    );
    if (response.FunctionError) throw new Error(`function error ${response.FunctionError}`);
  },
  concurrency: DELIVERY_CONCURRENCY,
  retryDelaysMs: [1_000, 2_000],
  report: (line) => process.stderr.write(`${line}\n`),
});

const deliver = (event: unknown) => {
  if (!recording) {
    counts.dropped += 1;
    return;
  }
  delivery.deliver(event);
};

const server = createServer(async (req, res) => {
  const body = await readBody(req);
  if (req.url === '/__cloudtrail') {
    if (req.method === 'PUT') {
      const wanted = (JSON.parse(body.toString('utf8') || '{}') as { recording?: unknown }).recording;
      if (typeof wanted !== 'boolean') {
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"message":"recording: true or false"}');
        return;
      }
      recording = wanted;
    }
    const state = { recording, queued: delivery.pending(), ...counts, ...delivery.counts };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state));
    return;
  }
  const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
  const recorded = RECORDED_CALLS.has(operation);
  let input: Record<string, unknown> = {};
  if (recorded) {
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      input = {};
    }
  }
  const userPoolId = typeof input.UserPoolId === 'string' ? input.UserPoolId : undefined;
  const username = typeof input.Username === 'string' ? input.Username : undefined;
  // Read before the call: after AdminDeleteUser there is nobody left to ask.
  const subBefore = recorded && userPoolId ? await subOf(userPoolId, username) : undefined;

  const upstream = request(
    { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', async () => {
        res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
        counts.forwarded += 1;
        if (!recorded || answer.statusCode !== 200) return;
        const pool = userPoolId ?? (operation === 'ConfirmSignUp' ? await poolOfClient() : undefined);
        const sub = subOfToken(input.AccessToken) ?? subBefore ?? (await subOf(pool, username));
        deliver(
          cloudTrailEvent({
            eventName: operation,
            region,
            account: ACCOUNT,
            // Calls made with a user's token name no pool in CloudTrail either.
            ...(userPoolId ? { userPoolId } : {}),
            ...(sub ? { sub } : {}),
            parameterNames: Object.keys(input)
              .filter((k) => k !== 'UserPoolId' && k !== 'GroupName')
              .map((k) => k.charAt(0).toLowerCase() + k.slice(1)),
            ...(typeof input.GroupName === 'string' ? { groupName: input.GroupName } : {}),
          }),
        );
      });
    },
  );
  upstream.on('error', () => res.writeHead(502).end());
  upstream.end(body);
});

server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(
    `CloudTrail stand-in on 127.0.0.1:${port} -> ${target.origin}, events to ${functionName}\n`,
  );
});
