// The local plugin both services load: role names IAM accepts for any stage and region, checked against the real
// serverless-iam-roles-per-function and osls naming; tags on every resource that takes them; osls and nothing else.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readServerlessYml } from '../local/lib/cloudformation-yaml';

interface FunctionConfig {
  iamRoleStatementsName?: string;
}
interface FakeServerless {
  service: {
    service: string;
    provider: { name: string; region: string; stackTags?: Record<string, string> };
    custom: Record<string, unknown>;
    getAllFunctions: () => string[];
    getFunction: (name: string) => FunctionConfig;
  };
  config: { serverlessPath: string };
  classes: { Error: typeof Error };
  getProvider: () => { getStage: () => string; getRegion: () => string };
  providers?: { aws: { naming: unknown } };
  configSchemaHandler?: undefined;
}

const StackConventions = require('./stack-conventions.cjs') as {
  new (serverless: FakeServerless): { nameFunctionRoles(): void };
  functionRoleName: (parts: {
    service: string;
    stage: string;
    functionName: string;
    region: string;
  }) => string | undefined;
  tagResources: (resources: Record<string, unknown>, tags: Record<string, string>) => void;
  ROLE_NAME_LIMIT: number;
};
const RolesPerFunction = require('serverless-iam-roles-per-function') as {
  new (
    serverless: FakeServerless,
  ): {
    getFunctionRoleName(name: string): { 'Fn::Join': [string, unknown[]] };
    getRoleNameLength(parts: unknown[]): number;
  };
};
const oslsNaming = require('serverless/lib/plugins/aws/lib/naming.js') as object;
const OSLS_LIB = join(dirname(require.resolve('serverless/package.json')), 'lib');

const ROOT = join(__dirname, '..');
const functionsOf = (service: 'primary' | 'replica') => {
  const yml = readServerlessYml<{ service: string; functions: Record<string, unknown> }>(
    join(ROOT, 'services', service, 'serverless.yml'),
  );
  return { service: yml.service, functions: Object.keys(yml.functions) };
};

/** A serverless instance as both plugins see it, for one service, stage and region. */
function fakeServerless(service: string, functions: string[], stage: string, region: string) {
  const configs = new Map<string, FunctionConfig>(functions.map((f) => [f, {}]));
  const serverless: FakeServerless = {
    service: {
      service,
      provider: { name: 'aws', region },
      custom: { 'serverless-iam-roles-per-function': { defaultInherit: true } },
      getAllFunctions: () => [...configs.keys()],
      getFunction: (name) => configs.get(name) as FunctionConfig,
    },
    config: { serverlessPath: OSLS_LIB },
    classes: { Error },
    getProvider: () => ({ getStage: () => stage, getRegion: () => region }),
  };
  const naming = Object.create(oslsNaming) as { provider: unknown };
  naming.provider = { serverless, getStage: () => stage };
  serverless.providers = { aws: { naming } };
  return { serverless, configs };
}

// The longest region names there are (14 characters), and one of today's shortest.
const REGIONS = ['ap-northeast-1', 'ap-southeast-7', 'us-isob-east-1', 'eu-west-1'];
const LONGEST_STAGE = 'abcdefghijklmnop';

describe('function role names', () => {
  it.each(['primary', 'replica'] as const)(
    '%s: every role name fits IAM for a 16-character stage in any region, and stays unique',
    (serviceDir) => {
      const { service, functions } = functionsOf(serviceDir);
      const names = new Set<string>();
      for (const region of REGIONS) {
        for (const stage of [LONGEST_STAGE, 'prod']) {
          const { serverless, configs } = fakeServerless(service, functions, stage, region);
          new StackConventions(serverless).nameFunctionRoles();
          const roles = new RolesPerFunction(serverless);
          for (const fn of functions) {
            const own = configs.get(fn)?.iamRoleStatementsName;
            // Where this plugin leaves the name to serverless-iam-roles-per-function, that plugin must accept it.
            const name =
              own ??
              (roles.getFunctionRoleName(fn)['Fn::Join'][1] as unknown[])
                .map((part) => ((part as { Ref?: string }).Ref === 'AWS::Region' ? region : part))
                .join('-');
            expect({ fn, region, stage, length: name.length <= 64 }).toEqual({
              fn,
              region,
              stage,
              length: true,
            });
            names.add(name);
          }
        }
      }
      expect(names.size).toBe(functions.length * REGIONS.length * 2);
    },
  );

  it('keeps the name serverless-iam-roles-per-function gives whenever that one fits (a renamed role is replaced)', () => {
    const parts = { service: 'cognito-dr-primary', stage: 'prod', region: 'us-east-1' };
    expect(StackConventions.functionRoleName({ ...parts, functionName: 'adminRemoveUserFromGroup' })).toBe(
      undefined,
    );
  });

  it('shortens a name that does not fit to its readable start and a hash of the whole', () => {
    const parts = { service: 'cognito-dr-primary', stage: LONGEST_STAGE, functionName: 'onPostConfirmation' };
    const tokyo = StackConventions.functionRoleName({ ...parts, region: 'ap-northeast-1' });
    const osaka = StackConventions.functionRoleName({ ...parts, region: 'ap-northeast-3' });
    expect(tokyo).toMatch(/^cognito-dr-primary-abcdefghijklmnop-onPostConfirmation-[0-9a-f]{8}$/);
    expect(tokyo?.length).toBeLessThanOrEqual(StackConventions.ROLE_NAME_LIMIT);
    expect(osaka).not.toBe(tokyo);
    expect(StackConventions.functionRoleName({ ...parts, region: 'ap-northeast-1' })).toBe(tokyo);
  });
});

describe('tags', () => {
  const tags = { STAGE: 'prod', application: 'cognito-dr' };

  it('tags every resource of a taggable type, each the way its type takes tags, keeping its own', () => {
    const resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> = {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Tags: [{ Key: 'STAGE', Value: 'mine' }] } },
      Pool: { Type: 'AWS::Cognito::UserPool', Properties: {} },
      Global: {
        Type: 'AWS::DynamoDB::GlobalTable',
        Properties: { Replicas: [{ Region: 'us-east-1' }, { Region: 'ap-northeast-1' }] },
      },
      Topic: { Type: 'AWS::SNS::Topic' },
      Permission: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction' } },
    };
    StackConventions.tagResources(resources, tags);
    expect(resources.Fn?.Properties?.Tags).toEqual([
      { Key: 'STAGE', Value: 'mine' },
      { Key: 'application', Value: 'cognito-dr' },
    ]);
    expect(resources.Pool?.Properties?.UserPoolTags).toEqual(tags);
    expect(resources.Global?.Properties?.Replicas).toEqual([
      {
        Region: 'us-east-1',
        Tags: [
          { Key: 'STAGE', Value: 'prod' },
          { Key: 'application', Value: 'cognito-dr' },
        ],
      },
      {
        Region: 'ap-northeast-1',
        Tags: [
          { Key: 'STAGE', Value: 'prod' },
          { Key: 'application', Value: 'cognito-dr' },
        ],
      },
    ]);
    expect(resources.Topic?.Properties?.Tags).toHaveLength(2);
    expect(resources.Permission?.Properties).toEqual({ Action: 'lambda:InvokeFunction' });
  });
});

describe('the CLI', () => {
  it('accepts osls, the CLI package.json pins', () => {
    const { serverless } = fakeServerless('cognito-dr-primary', [], 'prod', 'us-east-1');
    expect(() => new StackConventions(serverless)).not.toThrow();
  });

  it('refuses any other CLI, whatever version it reports', () => {
    const other = mkdtempSync(join(tmpdir(), 'other-cli-'));
    writeFileSync(join(other, 'package.json'), JSON.stringify({ name: 'serverless', version: '4.3.1' }));
    const { serverless } = fakeServerless('cognito-dr-primary', [], 'prod', 'us-east-1');
    serverless.config.serverlessPath = join(other, 'lib');
    expect(() => new StackConventions(serverless)).toThrow(
      /packaged and deployed with osls, .*\(this is serverless\)/,
    );
  });
});
