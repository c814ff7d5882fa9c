// Parses the cognito-dr command line into a command and its options, and says what is wrong when it cannot.
import { parseArgs } from 'node:util';
import { type Budget, parseBudget } from '@cognito-dr/reconcile';
import { QUOTA_CATEGORIES } from '@cognito-dr/shared';

export const COMMANDS = [
  'status',
  'backfill',
  'reconcile',
  'verify',
  'repair',
  'failover',
  'failback',
  'drill',
  'restore',
  'deletes',
  'redrive',
  'mirror',
  'triggers',
] as const;
export type Command = (typeof COMMANDS)[number];

export interface TargetOptions {
  stack?: string;
  stage?: string;
  primaryPoolId?: string;
  backupPoolId?: string;
  table?: string;
  primaryRegion?: string;
  backupRegion?: string;
  /** The state table, for explicit targets (the deletion breaker's holds). */
  stateTable?: string;
}

export interface CliOptions {
  command: Command;
  target: TargetOptions;
  json: boolean;
  verbose: boolean;
  dryRun: boolean;
  /** Records written per second (backfill/reconcile). */
  rate?: number;
  userListRps?: number;
  userReadRps?: number;
  /** Per-category rates ("UserList=10,UserRead=40"), over the quota share. */
  rps?: Partial<Budget>;
  /** Share of each default quota a run may use (default 0.5). */
  quotaShare?: number;
  concurrency?: number;
  checkpoint?: string;
  /** restore and deletes: the users named with --user. */
  users?: string[];
  /** restore: tombstones written at or after this time (epoch ms). */
  deletedSince?: number;
  /** restore: put users back as they were at this time (epoch ms), from the table's point-in-time recovery. */
  asOf?: number;
  /** deletes: what to do with the held deletions. */
  holds?: 'list' | 'release' | 'discard';
  /** mirror: the backup pool's prefix domain, where the primary's prefix cannot be used. */
  backupDomain?: string;
  /** mirror: a JSON file or Secrets Manager ARN with identity provider secrets Cognito does not show. */
  idpSecrets?: string;
  /** triggers: put cognito-dr's triggers in front of the pool's own, or give the pool its own back. */
  triggerAction?: 'show' | 'install' | 'remove';
}

export type ParsedArgs = { help: true; command?: Command } | ({ help: false } & CliOptions);

/** Bad usage: the message says which option and what it needs. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: cognito-dr <command> [target] [options]

Commands:
  status      users in the primary pool, the table and the backup pool, the drift between them and the age
              of the newest record
  backfill    write a record for every user of the primary pool (once, at install); paced so the replica's
              AdminCreateUser calls stay under the backup pool's UserCreation quota
  reconcile   repair every difference between the primary pool and the table: missing and stale records,
              records of users no longer in the pool (tombstoned)
  verify      compare the backup pool with the table user by user; exit code 1 on any drift
  repair      converge every missing, stale or extra backup user to the table's replica in the backup region,
              through the replica's own convergence; uses only backup-region resources
  failover    make the backup region active: pause applying into the backup pool, apply what it had not caught
              up with (its count is the recovery point), open the backup pool (sign-up, messages, capture) and
              publish its coordinates; works with the primary region down; safe to run again to finish or check
  failback    once the primary region answers: apply every change made in the backup region to the primary pool
              (users who signed up meanwhile migrate in with their password on first sign-in), switch back,
              publish the primary's coordinates
  drill       (local stack only) traffic, a primary outage, failover, traffic on the backup, recovery, failback
              and verification, with the recovery point and time measured
  restore     re-create users deleted from the active pool from their tombstones (attributes, groups, enabled
              state; the old sub kept in custom:source_sub); they set a password with "forgot password"
  deletes     list, release (delete after all) or discard (keep the users) the deletions the breaker held
  redrive     re-apply the users the replica's dead-letter queue names (parked records by name, batches the
              stream gave up on by when their records changed, read from the table) and delete the messages
              handled; needs --stack or --stage; --dry-run lists the users without applying anything
  mirror      make the backup pool's configuration the primary's: custom attributes, password policy, MFA,
              account recovery, message templates, app clients, groups, resource servers, identity providers
              and a domain of its own; never deletes, never touches the backup's posture or its own clients;
              what Cognito cannot change on an existing pool is reported (exit 2, nothing changed)
  triggers    the primary pool's trigger slots: which are cognito-dr's, which the pool's own (and the params
              adopted<Slot> that keep them behind cognito-dr's); --install puts cognito-dr's in front, --remove
              gives the pool its own back, each printing the LambdaConfig before and after

Target (exactly one):
  --stack <file>              the local stack, e.g. .local/stack.json (endpoints come from the file)
  --stage <name>              a deployed stage: outputs of the CloudFormation stacks cognito-dr-primary-<name>
                              and cognito-dr-replica-<name>
  --primary-pool-id <id>, --backup-pool-id <id>, --table <name>
                              explicit resources (each command needs only the ones it reads)
  --state-table <name>        with explicit ids: the state table of the region repaired (the deletion breaker)
  --primary-region <region>, --backup-region <region>
                              for --stage and explicit targets (default: the primary stack's BackupRegion
                              output, or the pool id's prefix, else us-east-1 and ap-northeast-1).
                              Endpoints and credentials are the SDK's own:
                              AWS_PROFILE, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, ...

backfill, reconcile and repair:
  --dry-run                   decide and count, change nothing
  --checkpoint <file>         resume from / save progress to this file (Ctrl-C stops at a checkpoint)
  --concurrency <n>           users handled at once per listed page (default 8)
  --quota-share <f>           share of each Cognito quota category's default the run may use (default 0.5)
  --rps <Category=n,...>      calls per second for named categories, e.g. UserList=10,UserRead=40
                              (categories: ${QUOTA_CATEGORIES.join(', ')})
  --user-list-rps <n>         the same as --rps UserList=<n> (ListUsers, ListUsersInGroup)
  --user-read-rps <n>         the same as --rps UserRead=<n> (AdminGetUser)
  --rate <n>                  backfill and reconcile: records written per second (default 25)

failover, failback, restore and deletes (--stack, or --stage with --backup-region: everything is found in the
backup region):
  --primary-region <region>   default us-east-1

restore (in the active region, from its replica of the table; paced like the runs above, --dry-run to only count):
  --user <name>               a user to restore (repeat for more)
  --deleted-since <time>      every user whose tombstone was written at or after this ISO 8601 time
  --as-of <time> --user <name> | --all
                              put users back as they were at this ISO 8601 time (attributes, groups, enabled
                              state), from the users table's point-in-time recovery: the undo for a bad bulk
                              update; users created since and names someone else holds now are left alone

deletes (each region's held deletions; --user <name> (repeatable) narrows a release or discard to those users):
  --list                      the held deletions: username, when, the tombstone's version, held or discarded
  --release                   delete the users after all (a user whose record is live again is kept)
  --discard                   keep the users; each stays while its record is the tombstone it was held for

mirror (both pools; --dry-run prints the differences, exit 1 when there are any):
  --backup-domain <prefix>    the backup pool's prefix domain (default: the primary's prefix; prefixes are per
                              region)
  --idp-secrets <source>      identity provider secrets Cognito does not show: a JSON file or the ARN of a
                              Secrets Manager secret holding {"<provider name>": {"client_secret": "..."}}

triggers (the primary pool; --install and --remove need --stage, whose stack names cognito-dr's functions):
  --install                   cognito-dr's triggers in front of the pool's own (as a deploy does)
  --remove                    the pool's own triggers back, exactly (as removing the stack does)
  --dry-run                   print the LambdaConfig before and after, change nothing

Output:
  --json                      machine-readable result on stdout
  --verbose                   also list the usernames concerned (never attribute values)
  -h, --help

Exit codes: 0 done and in sync, 1 drift (verify, drill), users that failed (backfill, reconcile, repair) or
            dead-letter messages kept (redrive),
            2 bad usage or configuration, a switch that makes no sense now, a repair of an active pool or a
              reconcile of a standby one (region roles), a table whose records name
              another deployment's pools, or a local clock more than 1 s off AWS's (nothing was changed),
            3 the run could not complete, or Ctrl-C stopped it at a checkpoint (its checkpoint is kept; a switch
              is finished by running it again),
            130 a second Ctrl-C quit at once, without waiting for a checkpoint.
`;

const positiveNumber = (flag: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${flag}: must be a positive number, got "${raw}"`);
  return value;
};

export function parseCliArgs(argv: string[]): ParsedArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // parseArgs names the offending option in its message, which is all the user needs.
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [commandArg, ...extra] = positionals;
  const command = COMMANDS.find((name) => name === commandArg);
  if (values.help) return { help: true, command };
  if (commandArg === undefined) throw new UsageError(`a command is required: ${COMMANDS.join(', ')}`);
  if (!command) throw new UsageError(`unknown command "${commandArg}": use ${COMMANDS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);

  const target: TargetOptions = {
    stack: values.stack,
    stage: values.stage,
    primaryPoolId: values['primary-pool-id'],
    backupPoolId: values['backup-pool-id'],
    table: values.table,
    primaryRegion: values['primary-region'],
    backupRegion: values['backup-region'],
    stateTable: values['state-table'],
  };
  const explicit = target.primaryPoolId ?? target.backupPoolId ?? target.table;
  const kinds = [target.stack && '--stack', target.stage && '--stage', explicit && 'explicit ids'].filter(
    Boolean,
  );
  if (kinds.length === 0) {
    throw new UsageError(
      'a target is required: --stack <file>, --stage <name> or explicit --*-pool-id/--table',
    );
  }
  if (kinds.length > 1) throw new UsageError(`choose one target, not ${kinds.join(' and ')}`);
  if (target.stateTable && !explicit)
    throw new UsageError('--state-table goes with explicit ids: --stack and --stage name it themselves');
  if (target.stack && (target.primaryRegion || target.backupRegion)) {
    throw new UsageError('--stack sets the regions itself; drop --primary-region/--backup-region');
  }

  const runs = command === 'backfill' || command === 'reconcile' || command === 'repair';
  const paced = runs || command === 'restore' || command === 'deletes';
  for (const flag of ['checkpoint', 'user-list-rps', 'user-read-rps'] as const) {
    if (!runs && values[flag] !== undefined)
      throw new UsageError(`--${flag} only applies to backfill, reconcile and repair`);
  }
  if (command === 'redrive' && !target.stack && !target.stage) {
    throw new UsageError('redrive needs --stack or --stage: the dead-letter queue is found through them');
  }
  if (
    !runs &&
    command !== 'restore' &&
    command !== 'redrive' &&
    command !== 'mirror' &&
    command !== 'triggers' &&
    values['dry-run'] !== undefined
  )
    throw new UsageError(
      '--dry-run only applies to backfill, reconcile, repair, restore, redrive, mirror and triggers',
    );
  const triggerActions = (['install', 'remove'] as const).filter((action) => values[action] === true);
  if (command !== 'triggers' && triggerActions.length > 0)
    throw new UsageError(`--${triggerActions[0]} only applies to triggers`);
  if (triggerActions.length > 1) throw new UsageError('choose one of --install and --remove');
  for (const flag of ['backup-domain', 'idp-secrets'] as const) {
    if (command !== 'mirror' && values[flag] !== undefined)
      throw new UsageError(`--${flag} only applies to mirror`);
  }
  if (
    values['backup-domain'] !== undefined &&
    !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(values['backup-domain'])
  )
    throw new UsageError(
      `--backup-domain: a prefix of lowercase letters, digits and hyphens, got "${values['backup-domain']}"`,
    );
  for (const flag of ['concurrency', 'rps', 'quota-share'] as const) {
    if (!paced && values[flag] !== undefined)
      throw new UsageError(`--${flag} only applies to backfill, reconcile, repair, restore and deletes`);
  }
  const recovery = recoveryOptions(command, values);
  if (command !== 'backfill' && command !== 'reconcile' && values.rate !== undefined)
    throw new UsageError('--rate only applies to backfill and reconcile');
  let rps: Partial<Budget> | undefined;
  try {
    rps = values.rps === undefined ? undefined : parseBudget(values.rps);
  } catch (error) {
    throw new UsageError(`--rps: ${(error as Error).message}`);
  }
  const quotaShare = positiveNumber('quota-share', values['quota-share']);
  if (quotaShare !== undefined && quotaShare > 1)
    throw new UsageError(`--quota-share: must be at most 1, got "${values['quota-share']}"`);
  const concurrency = positiveNumber('concurrency', values.concurrency);
  if (concurrency !== undefined && !Number.isInteger(concurrency)) {
    throw new UsageError(`--concurrency: must be a whole number, got "${values.concurrency}"`);
  }
  return {
    help: false,
    command,
    target,
    json: values.json === true,
    verbose: values.verbose === true,
    dryRun: values['dry-run'] === true,
    rate: positiveNumber('rate', values.rate),
    userListRps: positiveNumber('user-list-rps', values['user-list-rps']),
    userReadRps: positiveNumber('user-read-rps', values['user-read-rps']),
    rps,
    quotaShare,
    concurrency,
    checkpoint: values.checkpoint,
    backupDomain: values['backup-domain'],
    idpSecrets: values['idp-secrets'],
    ...(command === 'triggers' ? { triggerAction: triggerActions[0] ?? ('show' as const) } : {}),
    ...recovery,
  };
}

/** An ISO 8601 time as epoch ms; Date.parse also takes looser forms, and only a full date is unambiguous here. */
const isoTime = (flag: string, raw: string): number => {
  const time = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw)
    ? Date.parse(raw)
    : Number.NaN;
  if (!Number.isFinite(time))
    throw new UsageError(`--${flag}: must be an ISO 8601 time such as 2025-01-31T09:00:00Z, got "${raw}"`);
  return time;
};

/** --user, --deleted-since, --as-of, --all and --list/--release/--discard: which users restore and deletes act on. */
function recoveryOptions(
  command: Command,
  values: ReturnType<typeof parse>['values'],
): Pick<CliOptions, 'users' | 'deletedSince' | 'asOf' | 'holds'> {
  const users = values.user;
  const since = values['deleted-since'];
  const asOf = values['as-of'];
  const all = values.all === true;
  const actions = (['list', 'release', 'discard'] as const).filter((action) => values[action] === true);
  if (command !== 'restore' && command !== 'deletes' && users !== undefined)
    throw new UsageError('--user only applies to restore and deletes');
  if (command !== 'restore' && since !== undefined)
    throw new UsageError('--deleted-since only applies to restore');
  if (command !== 'restore' && (asOf !== undefined || all))
    throw new UsageError(`--${asOf !== undefined ? 'as-of' : 'all'} only applies to restore`);
  if (command !== 'deletes' && actions.length > 0)
    throw new UsageError(`--${actions[0]} only applies to deletes`);
  for (const user of users ?? []) {
    if (user.trim() === '') throw new UsageError('--user: must name a user, got an empty value');
  }
  if (command === 'restore') {
    if (asOf !== undefined) {
      if (since !== undefined)
        throw new UsageError('--as-of and --deleted-since are two restores: choose one');
      if ((users === undefined) === !all)
        throw new UsageError('restore --as-of needs either --user <name> (repeatable) or --all');
      return { asOf: isoTime('as-of', asOf), ...(users ? { users } : {}) };
    }
    if (all) throw new UsageError('--all goes with --as-of');
    if ((users === undefined) === (since === undefined))
      throw new UsageError('restore needs either --user <name> (repeatable) or --deleted-since <time>');
    if (since === undefined) return { users };
    return { deletedSince: isoTime('deleted-since', since) };
  }
  if (command === 'deletes') {
    if (actions.length !== 1)
      throw new UsageError('deletes needs exactly one of --list, --release, --discard');
    const [holds] = actions as [(typeof actions)[number]];
    if (holds === 'list' && users !== undefined)
      throw new UsageError('--user only applies to --release and --discard');
    return { holds, users };
  }
  return {};
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      stack: { type: 'string' },
      stage: { type: 'string' },
      'primary-pool-id': { type: 'string' },
      'backup-pool-id': { type: 'string' },
      table: { type: 'string' },
      'primary-region': { type: 'string' },
      'backup-region': { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      rate: { type: 'string' },
      'user-list-rps': { type: 'string' },
      'user-read-rps': { type: 'string' },
      rps: { type: 'string' },
      'quota-share': { type: 'string' },
      concurrency: { type: 'string' },
      checkpoint: { type: 'string' },
      'state-table': { type: 'string' },
      user: { type: 'string', multiple: true },
      'deleted-since': { type: 'string' },
      'as-of': { type: 'string' },
      all: { type: 'boolean' },
      list: { type: 'boolean' },
      release: { type: 'boolean' },
      discard: { type: 'boolean' },
      'backup-domain': { type: 'string' },
      'idp-secrets': { type: 'string' },
      install: { type: 'boolean' },
      remove: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
