// Actions on the local stack, described as what happens in the test.
import {
  AdminConfirmSignUpCommand,
  AdminUpdateUserAttributesCommand,
  CreateGroupCommand,
  ListGroupsCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestUser } from './given';
import { invokePostConfirmation } from './lambda';
import { primaryPool, stack } from './stack';

/** What the replica sent the backup pool, as the fault proxy between them counted it. */
interface FaultProxyCounts {
  operations: Record<string, { forwarded: number; throttled: number }>;
  /** Calls forwarded per operation, per the Username each named. */
  users: Record<string, Record<string, number>>;
}

export const when = {
  /** Self-service sign-up through the app client, then an administrator confirms it (fires PostConfirmation). */
  theUserSignsUpAndIsConfirmed: async (user: TestUser): Promise<void> => {
    await primaryPool.send(
      new SignUpCommand({
        ClientId: stack.primary.clientId,
        Username: user.username,
        Password: user.password,
        UserAttributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    await primaryPool.send(
      new AdminConfirmSignUpCommand({ UserPoolId: stack.primary.userPoolId, Username: user.username }),
    );
  },

  /** The user resets their password: Cognito fires PostConfirmation_ConfirmForgotPassword, which re-captures them. */
  theUserChangesAttributesAndResetsTheirPassword: async (
    user: TestUser,
    attributes: Record<string, string>,
  ) => {
    await primaryPool.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: stack.primary.userPoolId,
        Username: user.username,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    await invokePostConfirmation({
      version: '1',
      region: stack.primary.region,
      userPoolId: stack.primary.userPoolId,
      userName: user.username,
      callerContext: { awsSdkVersion: 'e2e', clientId: stack.primary.clientId },
      triggerSource: 'PostConfirmation_ConfirmForgotPassword',
      request: { userAttributes: {} },
      response: {},
    });
  },

  /** Sets the share of the replica's backup-pool calls that the fault proxy rejects as throttled. */
  theBackupPoolThrottles: async (throttleRate: number): Promise<{ throttled: number; forwarded: number }> => {
    const response = await fetch(stack.faultInjection.backupCognito, {
      method: 'PUT',
      body: JSON.stringify({ throttleRate }),
    });
    if (!response.ok) throw new Error(`fault proxy refused throttleRate ${throttleRate}`);
    return (await response.json()) as { throttled: number; forwarded: number };
  },

  /** What the fault proxy in front of the backup pool has counted so far, per operation. */
  theFaultProxyCounts: async (): Promise<FaultProxyCounts> => {
    const response = await fetch(stack.faultInjection.backupCognito);
    if (!response.ok) throw new Error('fault proxy did not answer');
    return (await response.json()) as FaultProxyCounts;
  },

  theGroupExistsInThePrimaryPool: async (group: string): Promise<void> => {
    const { Groups } = await primaryPool.send(
      new ListGroupsCommand({ UserPoolId: stack.primary.userPoolId }),
    );
    if (Groups?.some((g) => g.GroupName === group)) return;
    await primaryPool.send(
      new CreateGroupCommand({ UserPoolId: stack.primary.userPoolId, GroupName: group }),
    );
  },

  /** Turns the CloudTrail stand-in's events to the out-of-band capture on or off (a lost trail, when off). */
  cloudTrailDelivers: async (recording: boolean): Promise<void> => {
    const response = await fetch(stack.faultInjection.cloudTrail, {
      method: 'PUT',
      body: JSON.stringify({ recording }),
    });
    if (!response.ok) throw new Error(`CloudTrail stand-in refused recording=${recording}`);
  },
};
