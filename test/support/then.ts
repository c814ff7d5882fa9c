// Expectations on the backup region, described as what must then be true.
import {
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { eventually } from './eventually';
import type { TestUser } from './given';
import { backupPool, stack } from './stack';

const attributesOf = (user: AdminGetUserCommandOutput) =>
  Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name ?? '', a.Value ?? '']));

const backupUser = (user: TestUser) =>
  backupPool.send(new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: user.username }));

export const then = {
  /** Waits until the backup user carries every expected attribute value. */
  theBackupUserHasAttributes: async (
    user: TestUser,
    expected: Record<string, string>,
    { within }: { within: number },
  ) =>
    eventually(
      () => backupUser(user),
      (found) => Object.entries(expected).every(([name, value]) => attributesOf(found)[name] === value),
      { within, what: `${user.username} having ${Object.keys(expected).join(', ')} in the backup pool` },
    ),
  theUserIsInTheBackupPool: async (user: TestUser, { within }: { within: number }) =>
    eventually(
      () =>
        backupPool.send(
          new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: user.username }),
        ),
      () => true,
      { within, what: `${user.username} appearing in the backup pool` },
    ),
  attributesOf,
};
