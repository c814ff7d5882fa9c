// LOCAL ONLY. Builds the EventBridge event ("AWS API Call via CloudTrail") that AWS emits for a Cognito user pool
// call, with what CloudTrail redacts redacted: usernames and attribute values are HIDDEN_DUE_TO_SECURITY_REASONS,
// the user is named only by `sub` in additionalEventData; group calls name their group.
import { randomUUID } from 'node:crypto';
import { GROUP_CHANGING_CALLS, USER_CHANGING_CALLS } from '@cognito-dr/capture';

const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/** The Cognito calls that change a user or a group: the ones the out-of-band capture's EventBridge rules listen for. */
export const RECORDED_CALLS: ReadonlySet<string> = new Set([
  ...Object.keys(USER_CHANGING_CALLS),
  ...Object.keys(GROUP_CHANGING_CALLS),
]);

export interface RecordedCall {
  eventName: string;
  region: string;
  account: string;
  userPoolId?: string;
  /** The changed user's sub, when it could be known. */
  sub?: string;
  /** Names of the request's parameters (their values are redacted, except the pool id and group name). */
  parameterNames: string[];
  groupName?: string;
}

export const cloudTrailEvent = (call: RecordedCall) => {
  const now = new Date().toISOString();
  const requestParameters: Record<string, string> = {};
  for (const name of call.parameterNames) requestParameters[name] = HIDDEN;
  if (call.userPoolId) requestParameters.userPoolId = call.userPoolId;
  if (call.groupName) requestParameters.groupName = call.groupName;
  const byAdministrator =
    call.eventName.startsWith('Admin') || Object.hasOwn(GROUP_CHANGING_CALLS, call.eventName);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.cognito-idp',
    account: call.account,
    time: now,
    region: call.region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: byAdministrator
        ? {
            type: 'IAMUser',
            principalId: 'AIDALOCALSTACKADMIN',
            arn: `arn:aws:iam::${call.account}:user/local`,
          }
        : { type: 'Unknown', principalId: 'Anonymous' },
      eventTime: now,
      eventSource: 'cognito-idp.amazonaws.com',
      eventName: call.eventName,
      awsRegion: call.region,
      sourceIPAddress: '127.0.0.1',
      userAgent: 'cognito-dr-local',
      requestParameters,
      responseElements: null,
      ...(call.sub ? { additionalEventData: { sub: call.sub } } : {}),
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: call.account,
      eventCategory: 'Management',
    },
  };
};
