// A group created, updated and deleted straight on the primary pool reaches the backup pool as it is (description,
// precedence, IAM role) through the CloudTrail record of each call (locally: the CloudTrail stand-in).
import { randomUUID } from 'node:crypto';
import {
  CreateGroupCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  type GroupType,
  UpdateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { isErrorNamed } from '@cognito-dr/shared';
import { eventually } from '../support/eventually';
import { backupPool, primaryPool, stack } from '../support/stack';

const READERS_ROLE = 'arn:aws:iam::123456789012:role/e2e-readers';
const AUDITORS_ROLE = 'arn:aws:iam::123456789012:role/e2e-auditors';

/** The backup pool's group of that name, or null when it has none. */
const backupGroup = async (GroupName: string): Promise<GroupType | null> => {
  try {
    const { Group } = await backupPool.send(
      new GetGroupCommand({ UserPoolId: stack.backup.userPoolId, GroupName }),
    );
    return Group ?? null;
  } catch (error) {
    if (isErrorNamed(error, 'ResourceNotFoundException')) return null;
    throw error;
  }
};

const described = (group: GroupType | null) =>
  group && { Description: group.Description, Precedence: group.Precedence, RoleArn: group.RoleArn };

describe('a group managed directly on the primary pool', () => {
  it('appears in the backup pool as it was created, follows its update, and is gone once deleted', async () => {
    const GroupName = `e2e-readers-${randomUUID().slice(0, 8)}`;
    const primary = { UserPoolId: stack.primary.userPoolId, GroupName };

    // Given a group created with a description, a precedence and a role
    await primaryPool.send(
      new CreateGroupCommand({
        ...primary,
        Description: 'May read reports',
        Precedence: 7,
        RoleArn: READERS_ROLE,
      }),
    );
    // Then the backup pool has it, described the same
    await eventually(
      () => backupGroup(GroupName),
      (group) =>
        JSON.stringify(described(group)) ===
        JSON.stringify({ Description: 'May read reports', Precedence: 7, RoleArn: READERS_ROLE }),
      { within: 15_000, what: 'the created group, described, in the backup pool' },
    );

    // When it is updated
    await primaryPool.send(
      new UpdateGroupCommand({
        ...primary,
        Description: 'May audit every report',
        Precedence: 2,
        RoleArn: AUDITORS_ROLE,
      }),
    );
    // Then the backup pool's group follows
    await eventually(
      () => backupGroup(GroupName),
      (group) =>
        JSON.stringify(described(group)) ===
        JSON.stringify({ Description: 'May audit every report', Precedence: 2, RoleArn: AUDITORS_ROLE }),
      { within: 15_000, what: 'the updated group in the backup pool' },
    );

    // When it is deleted, then it is gone from the backup pool too
    await primaryPool.send(new DeleteGroupCommand(primary));
    await eventually(
      () => backupGroup(GroupName),
      (group) => group === null,
      { within: 15_000, what: 'the deleted group gone from the backup pool' },
    );
  });
});
