// The backup pool GET /users/{username} asks: unconfigured before the replica exists, else the configured pool in its
// own region and at its own endpoint, asked over HTTP as the SDK would ask Cognito.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackupPoolNotConfiguredError, backupPool } from './wiring';

describe('backupPool', () => {
  it('answers "not configured" before the backup pool id is known, so GET reports presence as unknown', async () => {
    await expect(backupPool({ BACKUP_REGION: 'ap-northeast-1' }).hasUser('alice')).rejects.toBeInstanceOf(
      BackupPoolNotConfiguredError,
    );
  });

  describe('once its id is known', () => {
    const requests: { target: unknown; authorization: unknown; body: Record<string, unknown> }[] = [];
    let server: Server;
    let endpoint: string;
    const saved = { ...process.env };

    beforeAll(async () => {
      // Cognito's JSON protocol: AdminGetUser knows alice, and answers UserNotFoundException for anyone else.
      server = createServer(async (request, response) => {
        const body = JSON.parse(await read(request)) as Record<string, unknown>;
        requests.push({
          target: request.headers['x-amz-target'],
          authorization: request.headers.authorization,
          body,
        });
        const found = body.Username === 'alice';
        response.writeHead(found ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify(
            found
              ? { Username: 'alice', Enabled: true, UserStatus: 'CONFIRMED', UserAttributes: [] }
              : { __type: 'UserNotFoundException', message: 'User does not exist.' },
          ),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // The SDK signs every request: any credentials do for a local endpoint.
      process.env.AWS_ACCESS_KEY_ID = 'local';
      process.env.AWS_SECRET_ACCESS_KEY = 'local';
    });

    afterAll(async () => {
      process.env = saved;
      await new Promise((resolve) => server.close(resolve));
    });

    it('asks that pool, in its region, whether a user is there', async () => {
      const pool = backupPool({
        BACKUP_USER_POOL_ID: 'ap-northeast-1_abc',
        BACKUP_REGION: 'ap-northeast-1',
        BACKUP_COGNITO_ENDPOINT: endpoint,
      });

      expect(await pool.hasUser('alice')).toBe(true);
      expect(await pool.hasUser('bob')).toBe(false);

      expect(requests.map(({ target, body }) => [target, body])).toEqual([
        [
          'AWSCognitoIdentityProviderService.AdminGetUser',
          { UserPoolId: 'ap-northeast-1_abc', Username: 'alice' },
        ],
        [
          'AWSCognitoIdentityProviderService.AdminGetUser',
          { UserPoolId: 'ap-northeast-1_abc', Username: 'bob' },
        ],
      ]);
      // Signed for the backup's region, not the function's own.
      for (const { authorization } of requests) {
        expect(authorization).toMatch(/Credential=local\/\d{8}\/ap-northeast-1\/cognito-idp\/aws4_request/);
      }
    });
  });
});

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
