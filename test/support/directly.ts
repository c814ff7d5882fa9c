// Changes made straight on the primary pool with administrator calls, the way the console or another tool makes
// them: no trigger fires and nothing captures them, which is the loss window the reconciler closes.
import { randomBytes } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CreateGroupCommand,
  ListGroupsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { primaryPool, stack } from './stack';

const UserPoolId = stack.primary.userPoolId;
const pairs = (attributes: Record<string, string>) =>
  Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));

/** Runs `task` over `items`, a few at a time (the emulator is one process on a small machine). */
export const inParallel = async <T>(
  items: T[],
  task: (item: T) => Promise<unknown>,
  width = 8,
): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
};

export const directly = {
  /**
   * `count` confirmed users created with AdminCreateUser + a permanent AdminSetUserPassword: no PostConfirmation,
   * so none of them is captured. Returns their usernames.
   */
  createUsers: async (
    count: number,
    attributes: (index: number) => Record<string, string>,
  ): Promise<string[]> => {
    const run = randomBytes(3).toString('hex');
    const usernames = Array.from(
      { length: count },
      (_, index) => `lw-${run}-${String(index).padStart(4, '0')}`,
    );
    await inParallel(usernames, async (Username) => {
      const index = usernames.indexOf(Username);
      await primaryPool.send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username,
          MessageAction: 'SUPPRESS',
          UserAttributes: pairs({
            email: `${Username}@example.com`,
            email_verified: 'true',
            ...attributes(index),
          }),
        }),
      );
      await primaryPool.send(
        new AdminSetUserPasswordCommand({
          UserPoolId,
          Username,
          Password: `Pw-${randomBytes(9).toString('base64url')}-7x`,
          Permanent: true,
        }),
      );
    });
    return usernames;
  },

  ensureGroup: async (GroupName: string): Promise<void> => {
    const { Groups } = await primaryPool.send(new ListGroupsCommand({ UserPoolId }));
    if (!Groups?.some((group) => group.GroupName === GroupName)) {
      await primaryPool.send(new CreateGroupCommand({ UserPoolId, GroupName }));
    }
  },

  updateAttributes: (Username: string, attributes: Record<string, string>) =>
    primaryPool.send(
      new AdminUpdateUserAttributesCommand({ UserPoolId, Username, UserAttributes: pairs(attributes) }),
    ),

  addToGroup: (Username: string, GroupName: string) =>
    primaryPool.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName })),

  removeFromGroup: (Username: string, GroupName: string) =>
    primaryPool.send(new AdminRemoveUserFromGroupCommand({ UserPoolId, Username, GroupName })),

  disable: (Username: string) => primaryPool.send(new AdminDisableUserCommand({ UserPoolId, Username })),

  delete: (Username: string) => primaryPool.send(new AdminDeleteUserCommand({ UserPoolId, Username })),
};
