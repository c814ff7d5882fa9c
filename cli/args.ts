// Parses the cognito-dr command line into a command and its options, and says what is wrong when it cannot.
import { parseArgs } from 'node:util';
import { type Budget, DEFAULT_QUOTAS, parseBudget } from '@cognito-dr/reconcile';

export const COMMANDS = [
  'status',
  'backfill',
  'reconcile',
  'verify',
  'repair',
  'failover',
  'failback',
  'drill',
  'redrive',
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
  redrive     re-apply the users the replica's dead-letter queue names (parked records by name, batches the
              stream gave up on by when their records changed, read from the table) and delete the messages
              handled; needs --stack or --stage; --dry-run lists the users without applying anything

Target (exactly one):
  --stack <file>              the local stack, e.g. .local/stack.json (endpoints come from the file)
  --stage <name>              a deployed stage: outputs of the CloudFormation stacks cognito-dr-primary-<name>
                              and cognito-dr-replica-<name>
  --primary-pool-id <id>, --backup-pool-id <id>, --table <name>
                              explicit resources (each command needs only the ones it reads)
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
                              (categories: ${Object.keys(DEFAULT_QUOTAS).join(', ')})
  --user-list-rps <n>         the same as --rps UserList=<n> (ListUsers, ListUsersInGroup)
  --user-read-rps <n>         the same as --rps UserRead=<n> (AdminGetUser)
  --rate <n>                  backfill and reconcile: records written per second (default 25)

failover and failback (--stack, or --stage with --backup-region: everything is found in the backup region):
  --primary-region <region>   default us-east-1

Output:
  --json                      machine-readable result on stdout
  --verbose                   also list the usernames concerned (never attribute values)
  -h, --help

Exit codes: 0 done and in sync, 1 drift (verify, drill), users that failed (backfill, reconcile, repair) or
            dead-letter messages kept (redrive),
            2 bad usage or configuration, or a switch that makes no sense now (nothing was changed),
            3 the run could not complete (its checkpoint is kept; a switch is finished by running it again),
            130 stopped by Ctrl-C at a checkpoint.
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
  if (target.stack && (target.primaryRegion || target.backupRegion)) {
    throw new UsageError('--stack sets the regions itself; drop --primary-region/--backup-region');
  }

  const runs = command === 'backfill' || command === 'reconcile' || command === 'repair';
  for (const flag of [
    'dry-run',
    'checkpoint',
    'concurrency',
    'user-list-rps',
    'user-read-rps',
    'rps',
    'quota-share',
  ] as const) {
    const allowed = runs || (command === 'redrive' && flag === 'dry-run');
    if (!allowed && values[flag] !== undefined)
      throw new UsageError(
        `--${flag} only applies to backfill, reconcile and repair${flag === 'dry-run' ? ' (and redrive)' : ''}`,
      );
  }
  if (command === 'redrive' && !target.stack && !target.stage) {
    throw new UsageError('redrive needs --stack or --stage: the dead-letter queue is found through them');
  }
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
  };
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
      help: { type: 'boolean', short: 'h' },
    },
  });
}
