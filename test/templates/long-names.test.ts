// A stage of 16 characters in a region of 14 (the longest region names there are) still packages, and every name
// AWS limits to 64 characters (IAM roles, Lambda functions, EventBridge rules) fits and stays unique. The primary
// alone: its function names are the longest of both services (adminRemoveUserFromGroup), its service name as long as
// the replica's, and both name their rules alike; shared/stack-conventions.test.ts checks every role of both services
// against serverless-iam-roles-per-function for every long region.
import { type PackagedService, packageService, resourcesOfType } from './support/template';

const STAGE = 'abcdefghijklmnop';
const REGION = 'ap-southeast-7';
const NAME_LIMIT = 64;

let primary: PackagedService;

beforeAll(() => {
  primary = packageService('primary', {
    stage: STAGE,
    region: REGION,
    params: {
      primaryRegion: REGION,
      backupRegion: 'ap-northeast-1',
    },
  });
}, 300_000);

/** A name as CloudFormation resolves it in the stack's region (osls joins role names with the region's Ref). */
const resolved = (name: unknown): string => {
  if (typeof name === 'string') return name;
  const [separator, parts] = (name as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts
    .map((part) => ((part as { Ref?: string }).Ref === 'AWS::Region' ? REGION : part))
    .join(separator);
};

it.each([
  ['AWS::IAM::Role', 'RoleName'],
  ['AWS::Lambda::Function', 'FunctionName'],
  ['AWS::Events::Rule', 'Name'],
])('names every %s within 64 characters, each its own', (type, property) => {
  // A resource without a name gets one from CloudFormation, which keeps it within the limit.
  const names = resourcesOfType(primary.template, type)
    .filter(([, r]) => r.Properties?.[property] !== undefined)
    .map(([, r]) => resolved(r.Properties?.[property]));
  expect(names.length).toBeGreaterThan(0);
  expect(names.filter((n) => n.length > NAME_LIMIT)).toEqual([]);
  expect(new Set(names).size).toBe(names.length);
});
