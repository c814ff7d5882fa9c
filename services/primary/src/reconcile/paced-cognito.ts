// Puts every Cognito call the reconciler makes (its own and those inside @cognito-dr/shared) behind its quota's pacer.
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  type CognitoIdentityProviderClient,
  ListGroupsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Pacers } from './pacer';

/**
 * The pacer a command counts against. Matched with instanceof, not constructor names, because bundles are minified.
 * ListGroups and ListUsersInGroup are paced with ListUsers: the conservative choice for list calls.
 */
const pacerFor = (pacers: Pacers, command: unknown) => {
  if (command instanceof AdminGetUserCommand || command instanceof AdminListGroupsForUserCommand) {
    return pacers.userRead;
  }
  if (
    command instanceof ListUsersCommand ||
    command instanceof ListGroupsCommand ||
    command instanceof ListUsersInGroupCommand
  ) {
    return pacers.userList;
  }
  return undefined;
};

/** The same client, whose `send` first waits for its category's pacer. Other members are passed through. */
export const pacedCognito = (
  cognito: CognitoIdentityProviderClient,
  pacers: Pacers,
): CognitoIdentityProviderClient =>
  new Proxy(cognito, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: unknown, ...rest: unknown[]) => {
        await pacerFor(pacers, command)?.take();
        return (target.send as (...args: unknown[]) => Promise<unknown>).call(target, command, ...rest);
      };
    },
  });
