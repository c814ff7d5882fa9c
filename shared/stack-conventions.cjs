// Local osls plugin both services load (through their resources/stack-conventions.cjs): what every cognito-dr stack
// must hold whatever a service declares. Function roles get names IAM accepts for any stage and region, and every
// resource that takes tags carries the stack's tags (provider.stackTags), so cost and ownership are visible per
// resource and not only where CloudFormation happens to propagate stack tags.
'use strict';

const { createHash } = require('node:crypto');
const { join } = require('node:path');

/** IAM refuses role names over 64 characters, and serverless-iam-roles-per-function refuses to generate them. */
const ROLE_NAME_LIMIT = 64;

/**
 * The name of each function's role. serverless-iam-roles-per-function names a role
 * `<service>-<stage>-<function>-<region>-lambdaRole`, dropping `-lambdaRole` when that is too long, and refuses to
 * package when even that is: a 16-character stage in a 14-character region does not fit the longer function names.
 * Names that fit stay as the plugin makes them (renaming a role replaces it); a longer one keeps its readable start
 * and ends in a hash of the whole, so it stays unique per service, stage, function and region (IAM is global).
 * Returns undefined when the plugin's own name fits.
 */
function functionRoleName({ service, stage, functionName, region }) {
  const parts = [service, stage, functionName, region];
  if ([...parts, 'lambdaRole'].join('-').length <= ROLE_NAME_LIMIT) return undefined;
  const full = parts.join('-');
  if (full.length <= ROLE_NAME_LIMIT) return undefined;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, ROLE_NAME_LIMIT - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

const list = (property) => ({
  apply: (properties, tags) => {
    const own = Array.isArray(properties[property]) ? properties[property] : [];
    const keys = new Set(own.map((tag) => tag.Key));
    properties[property] = [
      ...own,
      ...Object.entries(tags)
        .filter(([key]) => !keys.has(key))
        .map(([Key, Value]) => ({ Key, Value })),
    ];
  },
});

/**
 * The resource types cognito-dr stacks hold that take tags, and how each takes them. A type missing here is
 * left untagged; the template tests fail on any type that is in neither this table nor UNTAGGABLE_TYPES.
 */
const TAGGABLE_TYPES = {
  'AWS::ApiGateway::RestApi': list('Tags'),
  'AWS::ApiGateway::Stage': list('Tags'),
  'AWS::CloudWatch::Alarm': list('Tags'),
  'AWS::CloudWatch::Dashboard': list('Tags'),
  'AWS::DynamoDB::Table': list('Tags'),
  'AWS::Events::Rule': list('Tags'),
  'AWS::IAM::Role': list('Tags'),
  'AWS::Lambda::EventSourceMapping': list('Tags'),
  'AWS::Lambda::Function': list('Tags'),
  'AWS::Logs::LogGroup': list('Tags'),
  'AWS::S3::Bucket': list('Tags'),
  'AWS::SecretsManager::Secret': list('Tags'),
  'AWS::SNS::Topic': list('Tags'),
  'AWS::SQS::Queue': list('Tags'),
  // A map, not a list of Key/Value pairs.
  'AWS::Cognito::UserPool': {
    apply: (properties, tags) => {
      properties.UserPoolTags = { ...tags, ...(properties.UserPoolTags ?? {}) };
    },
  },
  // Tags belong to each replica (each region's table), not to the global table.
  'AWS::DynamoDB::GlobalTable': {
    apply: (properties, tags) => {
      for (const replica of properties.Replicas ?? []) list('Tags').apply(replica, tags);
    },
  },
};

/** Types CloudFormation offers no tags for (custom resources, `Custom::*`, neither). */
const UNTAGGABLE_TYPES = [
  'AWS::ApiGateway::Authorizer',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Resource',
  'AWS::Cognito::UserPoolClient',
  'AWS::Cognito::UserPoolGroup',
  'AWS::IAM::Policy',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::Permission',
  'AWS::Lambda::Version',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::Subscription',
  'AWS::SQS::QueuePolicy',
];

/** Adds `tags` to every resource of a taggable type in `resources`, keeping any tag a resource sets itself. */
function tagResources(resources, tags) {
  for (const resource of Object.values(resources)) {
    const taggable = TAGGABLE_TYPES[resource.Type];
    if (!taggable) continue;
    resource.Properties = resource.Properties ?? {};
    taggable.apply(resource.Properties, tags);
  }
}

/**
 * The package name of the CLI running this plugin. frameworkVersion cannot tell osls from the commercial Serverless
 * Framework (both number themselves 4.x); the package that provides the `serverless` command can.
 */
function cliPackageName(serverless) {
  try {
    return require(join(serverless.config.serverlessPath, '..', 'package.json')).name;
  } catch {
    return undefined;
  }
}

class StackConventions {
  constructor(serverless) {
    this.serverless = serverless;
    const cli = cliPackageName(serverless);
    if (cli !== 'osls') {
      throw new serverless.classes.Error(
        `cognito-dr is packaged and deployed with osls, the CLI its package.json pins (this is ${cli ?? 'another CLI'}): ` +
          'run `npx serverless` from the repository after `npm ci`',
      );
    }
    this.hooks = {
      // Before serverless-iam-roles-per-function names the roles (before:package:finalize).
      'after:package:compileEvents': () => this.nameFunctionRoles(),
      // After every resource exists: the service's own resources and other plugins' (the REST API stage).
      'before:aws:package:finalize:saveServiceState': () => this.tagEveryResource(),
    };
  }

  nameFunctionRoles() {
    const service = this.serverless.service;
    const provider = this.serverless.getProvider('aws');
    for (const functionName of service.getAllFunctions()) {
      const fn = service.getFunction(functionName);
      if (fn.iamRoleStatementsName) continue;
      const name = functionRoleName({
        service: service.service,
        stage: provider.getStage(),
        functionName,
        region: provider.getRegion(),
      });
      if (name) fn.iamRoleStatementsName = name;
    }
  }

  tagEveryResource() {
    const provider = this.serverless.service.provider;
    // osls tags the stack with STAGE unless stackTags sets it; the resources carry what the stack carries.
    const tags = { STAGE: this.serverless.getProvider('aws').getStage(), ...(provider.stackTags ?? {}) };
    tagResources(provider.compiledCloudFormationTemplate.Resources, tags);
  }
}

module.exports = StackConventions;
module.exports.functionRoleName = functionRoleName;
module.exports.tagResources = tagResources;
module.exports.TAGGABLE_TYPES = Object.keys(TAGGABLE_TYPES);
module.exports.UNTAGGABLE_TYPES = UNTAGGABLE_TYPES;
module.exports.ROLE_NAME_LIMIT = ROLE_NAME_LIMIT;
