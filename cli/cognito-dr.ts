// The cognito-dr command line: status, backfill, reconcile, verify and repair against the local stack, a deployed stage or
// explicit resources. `main` is the whole program as a function, so tests and the bench run it in-process.
import { type Clock, errorName, ServerTime, systemClock } from '@cognito-dr/shared';
import { type CliOptions, parseCliArgs, USAGE, UsageError } from './args';
import { type CommandContext, EXIT, runEngineCommand, runStatus, runVerify } from './commands';
import { runDeletes } from './deletes';
import { runDrill } from './drill';
import { runMirror } from './mirror';
import { runRedrive } from './redrive';
import { runRestore } from './restore';
import { runRestoreAsOf } from './restore-as-of';
import { runSwitch } from './switch-commands';
import {
  closeTarget,
  type Needs,
  resolveTarget,
  type StackOutputs,
  type Target,
  TargetError,
  watchTarget,
} from './targets';
import { runTriggers } from './triggers';

export { EXIT } from './commands';

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Registers a Ctrl-C handler; returns its removal. Absent: the run cannot be interrupted (tests). */
  onInterrupt?: (handler: () => void) => () => void;
  clock?: Clock;
  /** CloudFormation lookup for --stage (injected in tests). */
  stackOutputs?: StackOutputs;
}

/** What each command reads; failover, failback, drill, restore and deletes resolve both regions themselves (cli/regions.ts). */
const NEEDS: Record<CliOptions['command'], Needs | undefined> = {
  status: { primary: true, backup: true, primaryTable: true },
  backfill: { primary: true, primaryTable: true, backupIfNamed: true },
  reconcile: { primary: true, primaryTable: true },
  verify: { backup: true, backupTable: true },
  // Backup-region resources only: repair must work with the primary region down.
  repair: { backup: true, backupTable: true },
  failover: undefined,
  failback: undefined,
  drill: undefined,
  // The active region (restore) or both (deletes), as failover and failback resolve them.
  restore: undefined,
  deletes: undefined,
  redrive: { backup: true, backupTable: true, deadLetters: true },
  mirror: { primary: true, backup: true },
  triggers: { primary: true },
};

/** Runs one command line; resolves to the exit code. Never throws. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const err = (line: string) => io.stderr.write(`${line}\n`);
  let options: CliOptions;
  try {
    const parsed = parseCliArgs(argv);
    if (parsed.help) {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    options = parsed;
  } catch (error) {
    err(`cognito-dr: ${(error as Error).message}`);
    err('run cognito-dr --help for usage');
    return EXIT.usage;
  }

  let target: Target | undefined;
  let interrupted = false;
  let progressShown = false;
  const stopListening = io.onInterrupt?.(() => {
    if (interrupted) process.exit(EXIT.quitAtOnce); // a second Ctrl-C does not wait
    interrupted = true;
    err('\nstopping at the next checkpoint (Ctrl-C again to quit at once)');
  });
  const clock = io.clock ?? systemClock;
  // The clock that stamps records, against the Date header of every answer the command's clients receive.
  const serverTime = new ServerTime(clock);
  try {
    const needs = NEEDS[options.command];
    if (needs) target = watchTarget(await resolveTarget(options.target, needs, io.stackOutputs), serverTime);
    const tty = io.stderr.isTTY === true && !options.json;
    // Anything printed after a progress line starts on a line of its own.
    const endProgress = () => {
      if (progressShown) io.stderr.write('\n');
      progressShown = false;
    };
    const base: Omit<CommandContext, 'target'> = {
      options,
      clock,
      serverTime,
      out: (line) => {
        endProgress();
        out(line);
      },
      err: (line) => {
        endProgress();
        err(line);
      },
      progress: tty
        ? throttled(clock, 250, (line) => {
            io.stderr.write(`\r\x1b[K${line}`);
            progressShown = true;
          })
        : undefined,
      interrupted: () => interrupted,
    };
    const command = options.command;
    const code = await (async () => {
      if (command === 'failover' || command === 'failback') {
        return runSwitch({ ...base, stackOutputs: io.stackOutputs }, command);
      }
      if (command === 'drill') return runDrill({ ...base, stackOutputs: io.stackOutputs });
      if (command === 'restore') {
        const ctx = { ...base, stackOutputs: io.stackOutputs };
        return options.asOf === undefined ? runRestore(ctx) : runRestoreAsOf(ctx);
      }
      if (command === 'deletes') return runDeletes({ ...base, stackOutputs: io.stackOutputs });
      const ctx: CommandContext = { ...base, target: target as Target };
      return command === 'status'
        ? runStatus(ctx)
        : command === 'verify'
          ? runVerify(ctx)
          : command === 'redrive'
            ? runRedrive(ctx)
            : command === 'mirror'
              ? runMirror(ctx)
              : command === 'triggers'
                ? runTriggers(ctx)
                : runEngineCommand(ctx);
    })();
    if (progressShown) io.stderr.write('\n');
    return code;
  } catch (error) {
    if (progressShown) io.stderr.write('\n');
    if (
      error instanceof UsageError ||
      error instanceof TargetError ||
      // Refusals made before anything was written: what to fix is in the message.
      errorName(error) === 'CheckpointMismatchError' ||
      errorName(error) === 'ForeignTableError' ||
      // backfill, reconcile and repair: region roles say this pool is not the one to read or write now.
      errorName(error) === 'DirectionRefusedError' ||
      errorName(error) === 'ClockSkewError' ||
      // backfill: the backup pool would refuse the users it writes (cognito-dr mirror fixes what it can).
      errorName(error) === 'BackupPoolMismatchError' ||
      // mirror, backfill, reconcile, repair: a pool that is not where it was said to be; mirror: a secret it cannot read.
      errorName(error) === 'PoolNotFoundError' ||
      errorName(error) === 'MissingSecretError' ||
      errorName(error) === 'IdentityProviderSecretsError' ||
      // triggers: the pool is not where it was said to be, or holds a trigger nobody declared.
      errorName(error) === 'AdoptionError'
    ) {
      err(`cognito-dr: ${(error as Error).message}`);
      return EXIT.usage;
    }
    // AWS errors are named; their messages describe the request, not the users in it.
    err(
      `cognito-dr: ${options.command} could not complete: ${errorName(error) ?? 'Error'}: ${(error as Error).message}`,
    );
    if (options.checkpoint)
      err(`progress so far is in ${options.checkpoint}; run the same command again to continue`);
    return EXIT.incomplete;
  } finally {
    stopListening?.();
    if (target) closeTarget(target);
  }
}

/** The real process: stdout/stderr and SIGINT/SIGTERM. */
export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}

/** Entry point of the `cognito-dr` bin. */
export async function run(argv = process.argv.slice(2)): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await main(argv);
}

function throttled(clock: Clock, everyMs: number, show: (line: string) => void): (line: string) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (line) => {
    const now = clock.now();
    if (now - last < everyMs) return;
    last = now;
    show(line);
  };
}

if (require.main === module) void run();
