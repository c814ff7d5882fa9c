// RPO: a burst of sign-ups + confirmations in the primary pool; for each user, the time from the confirmation's
// return to the user being readable (AdminGetUser) in the backup pool. Visibility is polled every POLL_MS per
// user, so figures carry up to POLL_MS of resolution error.
import { randomBytes } from 'node:crypto';
import {
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { StackInfo } from '../local/stack/stack-info';
import { percentile, pool } from './stats';

const POLL_MS = 20;
const GIVE_UP_MS = 30_000;

export interface RpoResult {
  users: number;
  concurrency: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  notVisibleAfter30s: number;
}

export const measureRpo = async (
  stack: StackInfo,
  users: number,
  concurrency: number,
): Promise<RpoResult> => {
  const client = (r: StackInfo['primary']) =>
    new CognitoIdentityProviderClient({
      region: r.region,
      endpoint: r.cognitoEndpoint,
      credentials: stack.credentials,
    });
  const primary = client(stack.primary);
  const backup = client(stack.backup);
  const run = randomBytes(3).toString('hex');
  const latencies: number[] = [];
  let lost = 0;
  const watchers: Promise<void>[] = [];

  const watch = async (username: string, confirmedAt: number) => {
    for (;;) {
      try {
        await backup.send(
          new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: username }),
        );
        latencies.push(Date.now() - confirmedAt);
        return;
      } catch (error) {
        if (!(error instanceof Error && error.name === 'UserNotFoundException')) throw error;
      }
      if (Date.now() - confirmedAt > GIVE_UP_MS) {
        lost += 1;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };

  const signUpAndConfirm = async (username: string) => {
    await primary.send(
      new SignUpCommand({
        ClientId: stack.primary.clientId,
        Username: username,
        Password: `Pw-${randomBytes(8).toString('hex')}-7x`,
        UserAttributes: [
          { Name: 'email', Value: `${username}@example.com` },
          { Name: 'custom:tier', Value: 'bench' },
        ],
      }),
    );
    await primary.send(
      new AdminConfirmSignUpCommand({ UserPoolId: stack.primary.userPoolId, Username: username }),
    );
  };

  // Warm-up, not measured: one Lambda instance per concurrent request, as production traffic keeps them.
  const warmUp = Array.from({ length: concurrency }, (_, i) => `rpo-${run}-warm-${i}`);
  await pool(warmUp, concurrency, signUpAndConfirm);
  await Promise.all(warmUp.map((username) => watch(username, Date.now())));
  latencies.length = 0;

  const names = Array.from({ length: users }, (_, i) => `rpo-${run}-${i}`);
  await pool(names, concurrency, async (username) => {
    await signUpAndConfirm(username);
    watchers.push(watch(username, Date.now()));
  });
  await Promise.all(watchers);
  return {
    users,
    concurrency,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
    notVisibleAfter30s: lost,
  };
};
