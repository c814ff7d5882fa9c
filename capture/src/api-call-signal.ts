// Reads an EventBridge "AWS API Call via CloudTrail" event for a Cognito user or group change as a signal: which user
// or group, which pool and region. The event's content is never trusted as the user's state; the user is re-read from the pool.
//
// What CloudTrail records for Cognito user pools, and what this relies on:
// - detail.eventSource 'cognito-idp.amazonaws.com', detail.eventName the API action, detail.awsRegion the region
//   the call was made in (the EventBridge envelope's `region` is the same and used when awsRegion is missing).
// - detail.errorCode is set when the call failed; a failed call changed nothing.
// - Administrator calls (Admin*) carry requestParameters.userPoolId and requestParameters.username. Cognito
//   redacts values it considers personal as "HIDDEN_DUE_TO_SECURITY_REASONS", which often includes the username,
//   so the username is only used when it is a real value.
// - Calls made with a user's access token (UpdateUserAttributes, DeleteUser, ...) and public calls (ConfirmSignUp)
//   carry no pool id and no readable username: only the user's `sub`, in additionalEventData.sub. The pool id is
//   then looked for in additionalEventData.userPoolId and in the event's resources (userpool ARNs), and may be absent.
// - A `sub` is only accepted where it has the shape of one (a UUID), from additionalEventData.sub, then
//   requestParameters.sub, then userIdentity.principalId / userIdentity.userName (IAM principals never look like a
//   UUID, so an administrator's identity is never mistaken for the changed user).
// - Group calls (CreateGroup, UpdateGroup, DeleteGroup) are administrator calls: requestParameters.userPoolId and
//   requestParameters.groupName. A group name is not personal data and is not known to be redacted; if it ever is,
//   the event cannot be placed and the reconciler's comparison of ListGroups with the group records covers it.

/** Cognito calls that change a user's replicated state, by how the caller identified the user. */
export const USER_CHANGING_CALLS = {
  AdminCreateUser: 'admin',
  AdminUpdateUserAttributes: 'admin',
  AdminDeleteUserAttributes: 'admin',
  AdminEnableUser: 'admin',
  AdminDisableUser: 'admin',
  AdminDeleteUser: 'admin',
  AdminAddUserToGroup: 'admin',
  AdminRemoveUserFromGroup: 'admin',
  AdminConfirmSignUp: 'admin',
  // These change no attribute, but they change the user's status (FORCE_CHANGE_PASSWORD / RESET_REQUIRED <->
  // CONFIRMED), which the replica needs to know to give the backup user a usable password.
  AdminSetUserPassword: 'admin',
  AdminResetUserPassword: 'admin',
  // A user's MFA settings are part of their record: SMS and email OTP are carried to the backup, TOTP is counted.
  AdminSetUserMFAPreference: 'admin',
  SetUserMFAPreference: 'token',
  UpdateUserAttributes: 'token',
  DeleteUserAttributes: 'token',
  VerifyUserAttribute: 'token',
  DeleteUser: 'token',
  ConfirmSignUp: 'public',
} as const;

export type UserChangingCall = keyof typeof USER_CHANGING_CALLS;

/** Cognito calls that change what a group is, or whether it exists (memberships are the user calls'). */
export const GROUP_CHANGING_CALLS = {
  CreateGroup: 'admin',
  UpdateGroup: 'admin',
  DeleteGroup: 'admin',
} as const;

export type GroupChangingCall = keyof typeof GROUP_CHANGING_CALLS;

/** Calls after which the user is expected to be gone, so a `sub` may only be found in the table any more. */
export const DELETING_CALLS: readonly UserChangingCall[] = ['AdminDeleteUser', 'DeleteUser'];

export type ApiCallSignal =
  | {
      kind: 'user';
      eventName: UserChangingCall;
      region: string;
      /** Absent for token and public calls, whose events do not say which pool. */
      userPoolId?: string;
      /** Absent when CloudTrail redacted it. */
      username?: string;
      sub?: string;
    }
  | {
      kind: 'group';
      eventName: GroupChangingCall;
      region: string;
      userPoolId?: string;
      groupName: string;
    }
  /** Well-formed, but nothing to capture (a call this handler does not watch, or a call that failed). */
  | { kind: 'ignored'; reason: 'not-a-user-change' | 'failed-call'; eventName?: string }
  /** Not a CloudTrail event for Cognito at all, or one missing the fields every such event has. */
  | { kind: 'malformed'; reason: string };

const REDACTED_PREFIX = 'HIDDEN_';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_POOL_ARN = /:userpool\/([\w-]+_[0-9A-Za-z]+)$/;

type Json = Record<string, unknown>;
const object = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && !value.startsWith(REDACTED_PREFIX) ? value : undefined;
const subShaped = (value: unknown): string | undefined => {
  const candidate = text(value);
  return candidate && UUID.test(candidate) ? candidate.toLowerCase() : undefined;
};

export function readApiCallSignal(event: unknown): ApiCallSignal {
  const envelope = object(event);
  const detail = object(envelope?.detail);
  if (!envelope || !detail) return { kind: 'malformed', reason: 'no detail' };
  if (envelope.source !== 'aws.cognito-idp' || detail.eventSource !== 'cognito-idp.amazonaws.com') {
    return { kind: 'malformed', reason: 'not a Cognito user pool event' };
  }
  const eventName = text(detail.eventName);
  if (!eventName) return { kind: 'malformed', reason: 'no eventName' };
  const groupCall = Object.hasOwn(GROUP_CHANGING_CALLS, eventName);
  if (!groupCall && !Object.hasOwn(USER_CHANGING_CALLS, eventName)) {
    return { kind: 'ignored', reason: 'not-a-user-change', eventName };
  }
  if (detail.errorCode !== undefined && detail.errorCode !== null && detail.errorCode !== '') {
    return { kind: 'ignored', reason: 'failed-call', eventName };
  }
  const region = text(detail.awsRegion) ?? text(envelope.region);
  if (!region) return { kind: 'malformed', reason: 'no region' };

  const request = object(detail.requestParameters);
  if (groupCall) {
    const groupName = text(request?.groupName);
    if (!groupName) return { kind: 'malformed', reason: 'no groupName' };
    const userPoolId = text(request?.userPoolId) ?? poolFromResources(envelope, detail);
    return {
      kind: 'group',
      eventName: eventName as GroupChangingCall,
      region,
      groupName,
      ...(userPoolId ? { userPoolId } : {}),
    };
  }
  const additional = object(detail.additionalEventData);
  const identity = object(detail.userIdentity);
  const call = eventName as UserChangingCall;
  const username = USER_CHANGING_CALLS[call] === 'admin' ? text(request?.username) : undefined;
  const sub =
    subShaped(additional?.sub) ??
    subShaped(request?.sub) ??
    subShaped(identity?.principalId) ??
    subShaped(identity?.userName);
  const userPoolId =
    text(request?.userPoolId) ?? text(additional?.userPoolId) ?? poolFromResources(envelope, detail);
  if (!username && !sub) return { kind: 'malformed', reason: 'neither a username nor a sub' };

  const signal: ApiCallSignal = { kind: 'user', eventName: call, region };
  if (userPoolId) signal.userPoolId = userPoolId;
  if (username) signal.username = username;
  if (sub) signal.sub = sub;
  return signal;
}

/** A userpool ARN among the event's resources (EventBridge envelope or CloudTrail detail), if any. */
function poolFromResources(envelope: Json, detail: Json): string | undefined {
  const arns = [envelope.resources, detail.resources].flatMap((list) =>
    Array.isArray(list) ? list.map((entry) => (typeof entry === 'string' ? entry : object(entry)?.ARN)) : [],
  );
  for (const arn of arns) {
    const match = typeof arn === 'string' ? USER_POOL_ARN.exec(arn) : null;
    if (match?.[1]) return match[1];
  }
  return undefined;
}
