// `npm run cost -- --users 1000000 --changes-per-month 2000000`: what a deployment costs a month at that size, line
// by line, and Cognito by plan. `--docs` rewrites the generated part of docs/deploy.md's Cost section instead.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { estimate, type Scenario, scenarioFor } from './model';
import { REGIONS, type Region, TIERS, type Tier } from './prices';
import { renderDocs, renderReport, withGeneratedCost } from './render';

const USAGE = `usage: npm run cost -- --users N [options]
  --users N                  users in the primary pool (required)
  --changes-per-month N      user changes a month (default: 2 per user)
  --sign-ups-per-month N     of which sign-ups (default: 10 % of the changes)
  --changed-users N          distinct users changed a month, the backup pool's MAU (default: half the changes)
  --active-users N           the primary pool's MAU (default: every user)
  --sign-ins-per-month N     password sign-ins (default: 4 per active user)
  --group-memberships N      (default: 20 % of the users)
  --record-kb N              size of a user's record (default 1)
  --primary-region R         ${REGIONS.join(' | ')} (default us-east-1)
  --backup-region R          (default ap-northeast-1)
  --tier T                   the primary pool's plan: ${TIERS.join(' | ')} (default LITE)
  --backup-tier T            the backup pool's plan (default LITE)
  --full-reconciles-per-day N  reconcile passes a day that read every record (default 1)
  --backfill                 the month of the backfill: every user is created in the backup pool
  --provisioned-triggers N   keep N instances of each backup trigger initialized (default 0)
  --json                     the estimate as JSON
  --docs                     rewrite the generated part of docs/deploy.md's Cost section
`;

export class UsageError extends Error {
  override name = 'UsageError';
}

const whole = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(`--${name}: expected a number of 0 or more, got "${value}"`);
  return n;
};

const oneOf = <T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined => {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw new UsageError(`--${name}: expected one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
};

/** The scenario the command line describes; a UsageError names what is wrong. */
export const scenarioFromArgs = (
  args: string[],
): { scenario?: Scenario; json: boolean; docs: boolean; help: boolean } => {
  const { values } = parseArgs({
    args,
    options: {
      users: { type: 'string' },
      'changes-per-month': { type: 'string' },
      'sign-ups-per-month': { type: 'string' },
      'changed-users': { type: 'string' },
      'active-users': { type: 'string' },
      'sign-ins-per-month': { type: 'string' },
      'group-memberships': { type: 'string' },
      'record-kb': { type: 'string' },
      'primary-region': { type: 'string' },
      'backup-region': { type: 'string' },
      tier: { type: 'string' },
      'backup-tier': { type: 'string' },
      'full-reconciles-per-day': { type: 'string' },
      backfill: { type: 'boolean', default: false },
      'provisioned-triggers': { type: 'string' },
      json: { type: 'boolean', default: false },
      docs: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const flags = { json: values.json ?? false, docs: values.docs ?? false, help: values.help ?? false };
  if (flags.help || flags.docs) return flags;
  const users = whole('users', values.users);
  if (users === undefined) throw new UsageError('--users is required (users in the primary pool)');
  const given: Partial<Scenario> & Pick<Scenario, 'users'> = { users };
  const set = <K extends keyof Scenario>(key: K, value: Scenario[K] | undefined) => {
    if (value !== undefined) given[key] = value;
  };
  set('changesPerMonth', whole('changes-per-month', values['changes-per-month']));
  set('activeUsers', whole('active-users', values['active-users']));
  const base = scenarioFor(given);
  const scenario: Scenario = { ...base };
  const override = <K extends keyof Scenario>(key: K, value: Scenario[K] | undefined) => {
    if (value !== undefined) scenario[key] = value;
  };
  override('signUpsPerMonth', whole('sign-ups-per-month', values['sign-ups-per-month']));
  override('changedUsersPerMonth', whole('changed-users', values['changed-users']));
  override('signInsPerMonth', whole('sign-ins-per-month', values['sign-ins-per-month']));
  override('groupMemberships', whole('group-memberships', values['group-memberships']));
  override('recordKb', whole('record-kb', values['record-kb']));
  override('primaryRegion', oneOf<Region>('primary-region', values['primary-region'], REGIONS));
  override('backupRegion', oneOf<Region>('backup-region', values['backup-region'], REGIONS));
  override('primaryTier', oneOf<Tier>('tier', values.tier, TIERS));
  override('backupTier', oneOf<Tier>('backup-tier', values['backup-tier'], TIERS));
  override('fullReconcilesPerDay', whole('full-reconciles-per-day', values['full-reconciles-per-day']));
  override('provisionedTriggerInstances', whole('provisioned-triggers', values['provisioned-triggers']));
  scenario.backfill = values.backfill ?? false;
  if (scenario.signUpsPerMonth > scenario.changesPerMonth)
    throw new UsageError('--sign-ups-per-month: cannot exceed the changes a month');
  if (scenario.changedUsersPerMonth > scenario.users)
    throw new UsageError('--changed-users: cannot exceed the users');
  if (scenario.recordKb <= 0) throw new UsageError('--record-kb: expected more than 0');
  return { ...flags, scenario };
};

const DOCS = join(__dirname, '..', '..', 'docs', 'deploy.md');

if (require.main === module) {
  try {
    const { scenario, json, docs, help } = scenarioFromArgs(process.argv.slice(2));
    if (help) process.stdout.write(USAGE);
    else if (docs) {
      writeFileSync(DOCS, withGeneratedCost(readFileSync(DOCS, 'utf8'), renderDocs()));
      process.stdout.write('docs/deploy.md: cost tables regenerated\n');
    } else if (scenario) {
      const result = estimate(scenario);
      process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : renderReport(result));
    }
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
}
