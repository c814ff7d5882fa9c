// Packages both services for prod the way scripts/package-prod.sh does (no AWS credentials, no network) and reads
// back what CloudFormation would get: templates, function zips, and the references between resources.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown; Condition?: string }>;
  Conditions?: Record<string, unknown>;
}

export interface PackagedService {
  dir: string;
  template: Template;
  /** Function zip name (without .zip) to its size in bytes. */
  zips: Record<string, number>;
}

export interface Packaged {
  primary: PackagedService;
  replica: PackagedService;
}

/** Runs scripts/package-prod.sh into a fresh temp directory; takes a minute, so call it once per test file. */
export function packageBothServices(): Packaged {
  const out = mkdtempSync(join(tmpdir(), 'cognito-dr-package-'));
  execFileSync('bash', [join(ROOT, 'scripts', 'package-prod.sh'), out], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const read = (service: string): PackagedService => {
    const dir = join(out, service);
    const zips = Object.fromEntries(
      readdirSync(dir)
        .filter((f) => f.endsWith('.zip'))
        .map((f) => [f.slice(0, -'.zip'.length), statSync(join(dir, f)).size]),
    );
    const template = JSON.parse(
      readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template;
    return { dir, template, zips };
  };
  return { primary: read('primary'), replica: read('replica') };
}

/**
 * What each service reads from the other's deployed stack (or the published active pool) when compose does not pass
 * it, pinned as scripts/package-prod.sh pins it: offline there is no stack to read.
 */
export const OFFLINE_PINS: Record<'primary' | 'replica', Record<string, string>> = {
  // Stage prod's production checks want both set, to a destination or to none on purpose.
  primary: {
    sesSourceArn: 'none',
    pageAlarmsTo: 'none',
    backupUserPoolId: 'offline-package-placeholder',
    backupMigrationClientId: 'offline-package-placeholder',
  },
  replica: {
    sesSourceArn: 'none',
    pageAlarmsTo: 'none',
    primaryUserPoolId: 'offline-package-placeholder',
    primaryUserPoolClientId: 'offline-package-placeholder',
    primaryPoolShape: 'none',
    userRefKeySecretArn:
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:cognito-dr-prod-user-ref-key-AbCdEf',
    backupPoolMode: 'standby',
  },
};

/**
 * A service's serverless.yml for stage prod as `serverless print` resolves it offline with the given params (over
 * OFFLINE_PINS): the resources as written, variables resolved, without packaging (seconds, not a minute), to check
 * how params land.
 */
export function printService(
  service: 'primary' | 'replica',
  /** Params over OFFLINE_PINS; undefined leaves a pinned param unset. */
  params: Record<string, string | undefined>,
): { resources: { Resources: Record<string, Resource> } } {
  const given = Object.entries({ ...OFFLINE_PINS[service], ...params }).filter(
    ([, value]) => value !== undefined,
  );
  const paramArgs = given.flatMap(([name, value]) => ['--param', `${name}=${value}`]);
  try {
    const printed = execFileSync(
      'bash',
      [
        join(ROOT, 'scripts', 'offline-serverless.sh'),
        'print',
        '--stage',
        'prod',
        '--format',
        'json',
        ...paramArgs,
      ],
      { cwd: join(ROOT, 'services', service), stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
    );
    return JSON.parse(printed);
  } catch (error) {
    // serverless explains a failed resolution in its output; the thrown error only says the command failed.
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${stdout}${stderr}`.trim() || String(error));
  }
}

export const resourcesOfType = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);

export const onlyResourceOfType = (template: Template, type: string): [string, Resource] => {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as [string, Resource];
};

export const props = (template: Template, logicalId: string): Record<string, unknown> => {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId}`);
  return resource.Properties ?? {};
};

export const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });
export const ref = (logicalId: string) => ({ Ref: logicalId });

/** Logical ids a value refers to: Ref, Fn::GetAtt, and ${Name} / ${Name.Attr} inside Fn::Sub. */
export function referencedIds(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, into);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') into.add(v[0]);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        if (typeof text === 'string') {
          for (const [, name] of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) {
            if (name) into.add(name);
          }
        }
        if (Array.isArray(v)) referencedIds(v[1], into);
      } else referencedIds(v, into);
    }
  }
  return into;
}

/** Resource dependency edges (references and DependsOn), ignoring pseudo parameters and conditions. */
export function dependencies(template: Template): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const deps = referencedIds(resource.Properties ?? {});
    for (const d of [resource.DependsOn ?? []].flat()) deps.add(d);
    graph.set(id, new Set([...deps].filter((d) => d in template.Resources)));
  }
  return graph;
}

/** A dependency cycle as a list of logical ids, or null; CloudFormation refuses a template that has one. */
export function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of graph.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const id of graph.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return null;
}

export interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
}

/**
 * Whether a named condition of the template holds. The templates' conditions compare values serverless resolved when
 * packaging (params), so they evaluate offline; anything else (a Ref to a stack parameter) is refused.
 */
export function conditionHolds(template: Template, name: string): boolean {
  const evaluate = (expression: unknown): boolean | string => {
    if (typeof expression === 'string' || typeof expression === 'boolean') return expression;
    const [[fn, args] = []] = Object.entries(expression as Record<string, unknown>);
    const list = args as unknown[];
    switch (fn) {
      case 'Condition':
        return conditionHolds(template, args as string);
      case 'Fn::Equals':
        return String(evaluate(list[0])) === String(evaluate(list[1]));
      case 'Fn::Not':
        return !evaluate(list[0]);
      case 'Fn::And':
        return list.every((item) => evaluate(item) === true);
      case 'Fn::Or':
        return list.some((item) => evaluate(item) === true);
      default:
        throw new Error(`condition ${name}: cannot evaluate ${fn} offline`);
    }
  };
  const expression = template.Conditions?.[name];
  if (expression === undefined) throw new Error(`no condition ${name}`);
  return evaluate(expression) === true;
}

/** Whether CloudFormation creates the resource: it has no condition, or its condition holds. */
export const isCreated = (template: Template, resource: Resource): boolean =>
  resource.Condition === undefined || conditionHolds(template, resource.Condition);

/**
 * Every identity-policy statement: inline policies of each role, and each AWS::IAM::Policy, of what CloudFormation
 * creates (`all` includes resources whose condition does not hold).
 */
export function iamStatements(
  template: Template,
  { all = false }: { all?: boolean } = {},
): { owner: string; statement: Statement }[] {
  const found: { owner: string; statement: Statement }[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (!all && !isCreated(template, resource)) continue;
    const documents: unknown[] = [];
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of (resource.Properties?.Policies as { PolicyDocument: unknown }[]) ?? []) {
        documents.push(policy.PolicyDocument);
      }
    } else if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      documents.push(resource.Properties?.PolicyDocument);
    }
    for (const document of documents) {
      for (const statement of [(document as { Statement: Statement | Statement[] }).Statement].flat()) {
        found.push({ owner: id, statement });
      }
    }
  }
  return found;
}

export const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * The statements of a function's own role (serverless-iam-roles-per-function, created with the function) plus the
 * policies attached to it that CloudFormation creates.
 */
export function functionStatements(template: Template, functionLogicalId: string): Statement[] {
  const role = (props(template, functionLogicalId).Role as { 'Fn::GetAtt': [string, string] })[
    'Fn::GetAtt'
  ][0];
  return iamStatements(template, { all: true })
    .filter(({ owner }) => {
      if (owner === role) return true;
      const attached = template.Resources[owner];
      return (
        attached?.Type === 'AWS::IAM::Policy' &&
        isCreated(template, attached) &&
        asList(attached.Properties?.Roles as unknown[]).some(
          (r) => JSON.stringify(r) === JSON.stringify(ref(role)),
        )
      );
    })
    .map(({ statement }) => statement);
}

/** REST API routes as "METHOD /path", each with the logical id of the function it invokes. */
export function apiRoutes(template: Template): Map<string, { method: string; functionId: string | null }> {
  const pathOf = (resourceRef: unknown): string => {
    const id = (resourceRef as { Ref?: string }).Ref;
    if (!id) return '';
    const resource = props(template, id);
    return `${pathOf(resource.ParentId)}/${resource.PathPart as string}`;
  };
  const routes = new Map<string, { method: string; functionId: string | null }>();
  for (const [id, method] of resourcesOfType(template, 'AWS::ApiGateway::Method')) {
    const p = method.Properties ?? {};
    const uri = JSON.stringify((p.Integration as { Uri?: unknown } | undefined)?.Uri ?? '');
    const functionId = /"([A-Za-z0-9]+LambdaFunction)"/.exec(uri)?.[1] ?? null;
    routes.set(`${p.HttpMethod as string} ${pathOf(p.ResourceId) || '/'}`, { method: id, functionId });
  }
  return routes;
}

/**
 * Packages one service offline (scripts/offline-serverless.sh) for any stage and region with the given params, into
 * a fresh temp directory, and reads back its template; for checks that the prod packaging cannot make.
 */
export function packageService(
  service: 'primary' | 'replica',
  { stage, region, params }: { stage: string; region: string; params: Record<string, string> },
): PackagedService {
  const dir = mkdtempSync(join(tmpdir(), `cognito-dr-${service}-${stage}-`));
  const paramArgs = Object.entries({ ...OFFLINE_PINS[service], ...params }).flatMap(([name, value]) => [
    '--param',
    `${name}=${value}`,
  ]);
  try {
    execFileSync(
      'bash',
      [
        join(ROOT, 'scripts', 'offline-serverless.sh'),
        'package',
        '--stage',
        stage,
        '--region',
        region,
        '--package',
        dir,
        ...paramArgs,
      ],
      { cwd: join(ROOT, 'services', service), stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${stdout}${stderr}`.trim() || String(error));
  }
  const template = JSON.parse(
    readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
  return { dir, template, zips: {} };
}
