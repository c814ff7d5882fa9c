// The stack policy both services deploy with (provider.stackPolicy; osls sets it after every deploy): an update may
// change anything except replace or remove a user pool or a table. Retain keeps the old pool or table when a change
// to an immutable property (UsernameConfiguration, a required attribute, a key schema) makes CloudFormation create a
// new one, but everything would then point at the new, empty one; this stops such an update before it starts.
// Changing one on purpose is a deliberate, separate act (docs/deploy.md, "The stack policy").
'use strict';

/** The types that hold users or records: replacing one loses them, and CloudFormation would do it silently. */
const PROTECTED_TYPES = ['AWS::Cognito::UserPool', 'AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table'];

/** The statements of the policy (osls wraps them in {"Statement": [...]}). Principal must be "*" in a stack policy. */
const statements = [
  { Effect: 'Allow', Principal: '*', Action: 'Update:*', Resource: '*' },
  {
    Effect: 'Deny',
    Principal: '*',
    Action: ['Update:Replace', 'Update:Delete'],
    Resource: '*',
    Condition: { StringEquals: { ResourceType: PROTECTED_TYPES } },
  },
];

module.exports = { statements, PROTECTED_TYPES };
