// One replication scenario for a stack whose pools name their users by a sign-in attribute (local/stack/shapes.ts:
// `email`, `phone`): each pool generates its own username for a person, so the backup user must be found by the
// sign-in identifier and by its link to the home sub (custom:source_sub), never by the primary's username. Driven
// with the plain SDK as an app and an administrator would: a sign-up, a group, a change of the sign-in identifier, a
// disabling and a deletion, each followed in the backup pool.
import { randomBytes, randomInt } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminUpdateUserAttributesCommand,
  type AttributeType,
  CreateGroupCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { StackInfo } from '@cognito-dr/shared';
import { eventually } from './eventually';
import { SHAPED_STACK_START_TIMEOUT_MS, stackOfShape } from './shaped-stack';
import { connect } from './stack';

const REPLICATION_MS = 30_000;

/** A fresh sign-in identifier of the kind the shape's pools take, in mixed case where case can differ. */
const identifiers = {
  email: () => `Ada.${randomBytes(5).toString('hex')}@Example.com`,
  phone: () => `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`,
};
const SIGN_IN_ATTRIBUTE = { email: 'email', phone: 'phone_number' } as const;

const attributesOf = (attributes: AttributeType[] | undefined) =>
  Object.fromEntries((attributes ?? []).map((a) => [a.Name, a.Value]));

/** Registers the scenario (its own describe, and the stack of the shape, started if nobody has) in the calling file. */
export function describeSignInReplication(shape: 'email' | 'phone'): void {
  const attribute = SIGN_IN_ATTRIBUTE[shape];
  let stack: StackInfo;
  let pools: ReturnType<typeof connect>;
  const inPrimary = (username: string) => ({ UserPoolId: stack.primary.userPoolId, Username: username });
  /** The backup pool's user of this identifier, or undefined while it has none. */
  const backupUserOf = (identifier: string) =>
    pools.backupPool
      .send(new AdminGetUserCommand({ UserPoolId: stack.backup.userPoolId, Username: identifier }))
      .catch((error: Error) => {
        if (error.name === 'UserNotFoundException') return undefined;
        throw error;
      });
  const appearing = (identifier: string, what: string) =>
    eventually(
      () => backupUserOf(identifier),
      (user) => user !== undefined,
      { within: REPLICATION_MS, what },
    );

  describe(`replication between pools that name their users by ${attribute}`, () => {
    beforeAll(async () => {
      stack = await stackOfShape(shape);
      pools = connect(stack);
    }, SHAPED_STACK_START_TIMEOUT_MS);

    it(`brings a sign-up to the backup pool, found by ${attribute} and linked to its home sub, then follows a change of it, a disabling and a deletion`, async () => {
      const group = `readers-${randomBytes(3).toString('hex')}`;
      await pools.primaryPool.send(
        new CreateGroupCommand({ UserPoolId: stack.primary.userPoolId, GroupName: group }),
      );
      const identifier = identifiers[shape]();
      const { UserSub } = await pools.primaryPool.send(
        new SignUpCommand({
          ClientId: stack.primary.clientId,
          Username: identifier,
          Password: 'Pw-1-sign-in-replication',
          UserAttributes: [{ Name: 'name', Value: 'Grace Hopper' }],
        }),
      );
      await pools.primaryPool.send(new AdminConfirmSignUpCommand(inPrimary(identifier)));
      await pools.primaryPool.send(
        new AdminAddUserToGroupCommand({ ...inPrimary(identifier), GroupName: group }),
      );

      const replicated = await appearing(
        identifier,
        `the signed-up user in the backup pool, by ${attribute}`,
      );
      const backupUsername = replicated?.Username as string;
      // A username of the backup pool's own making: not the primary's, which is the user's home sub.
      expect(backupUsername).not.toBe(UserSub);
      expect(backupUsername).toBe(attributesOf(replicated?.UserAttributes).sub);
      // Every attribute of the primary's user, its sub as the link.
      const { sub, ...primaryAttributes } = attributesOf(
        (await pools.primaryPool.send(new AdminGetUserCommand(inPrimary(identifier)))).UserAttributes,
      );
      expect(sub).toBe(UserSub);
      expect(primaryAttributes).toMatchObject({ [attribute]: identifier, name: 'Grace Hopper' });
      const { sub: _backupSub, ...backupAttributes } = attributesOf(replicated?.UserAttributes);
      expect(backupAttributes).toEqual({ ...primaryAttributes, 'custom:source_sub': UserSub });
      expect(replicated?.Enabled).toBe(true);
      expect(replicated?.UserStatus).toBe('CONFIRMED');
      await eventually(
        () =>
          pools.backupPool.send(
            new AdminListGroupsForUserCommand({ UserPoolId: stack.backup.userPoolId, Username: identifier }),
          ),
        (answer) => (answer.Groups ?? []).some((g) => g.GroupName === group),
        { within: REPLICATION_MS, what: 'the group membership in the backup pool' },
      );

      // The identifier changes on the primary: the same backup user follows, nobody is left with the old one.
      const changed = identifiers[shape]();
      await pools.primaryPool.send(
        new AdminUpdateUserAttributesCommand({
          ...inPrimary(identifier),
          UserAttributes: [
            { Name: attribute, Value: changed },
            { Name: `${attribute}_verified`, Value: 'true' },
          ],
        }),
      );
      const moved = await appearing(changed, `the backup user under the new ${attribute}`);
      expect(moved?.Username).toBe(backupUsername);
      expect(attributesOf(moved?.UserAttributes)).toMatchObject({
        [attribute]: changed,
        'custom:source_sub': UserSub,
      });
      expect(await backupUserOf(identifier)).toBeUndefined();

      await pools.primaryPool.send(new AdminDisableUserCommand(inPrimary(changed)));
      await eventually(
        () => backupUserOf(changed),
        (user) => user?.Enabled === false,
        { within: REPLICATION_MS, what: 'the backup user disabled' },
      );

      await pools.primaryPool.send(new AdminDeleteUserCommand(inPrimary(changed)));
      await eventually(
        () => backupUserOf(changed),
        (user) => user === undefined,
        { within: REPLICATION_MS, what: 'the backup user deleted' },
      );
    }, 180_000);
  });
}
