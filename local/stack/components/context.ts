// What every step of the local stack's start shares: the options, the supervisor of its processes, the ports it
// took, and how a step starts a TypeScript child and waits for it.
import { join } from 'node:path';
import type { ChildSpec, Supervised, Supervisor } from '../../lib/supervisor';
import type { StackShape } from '../shapes';
import type { WarmWidth } from '../warm-functions';

export const STAGE = 'local';
export const PRIMARY_REGION = 'us-east-1';
export const BACKUP_REGION = 'ap-northeast-1';

/** Ports a person running `npm start` gets when they are free. */
export const PREFERRED_PORTS = {
  dynamodb: 8000,
  // What clients see of each region: gates that a region outage closes (local/standins/region-outage).
  dynamodbPrimary: 8001,
  dynamodbBackup: 8002,
  cognitoPrimary: 9229,
  cognitoBackup: 9230,
  api: 3000,
  regionControl: 9240,
  // Behind the gates.
  cloudTrailPrimary: 9227,
  cognitoPrimaryEmulator: 9228,
  cloudTrailBackup: 9233,
  cognitoBackupEmulator: 9232,
  primaryHttp: 3001,
  primaryLambda: 3002,
  replicaHttp: 3010,
  replicaLambda: 3012,
  backupFaultProxy: 9231,
  // DynamoDB point-in-time recovery of each region's users table (local/standins/point-in-time).
  pointInTimePrimary: 9241,
  pointInTimeBackup: 9242,
};

export type Ports = typeof PREFERRED_PORTS;

export interface StackOptions {
  /** Repository root. */
  root: string;
  /** Where emulator data, logs and stack.json go (`.local/` for npm start, a temp dir in tests). */
  dataDir: string;
  fresh: boolean;
  replicationDelayMs: number;
  /** Share (0..1) of the replica's backup-pool calls rejected with TooManyRequestsException; changeable later. */
  backupThrottleRate?: number;
  /** 'preferred' tries the well-known ports first; 'free' always takes free ones (tests). */
  ports: 'preferred' | 'free';
  /** Which pools the stack runs (shapes.ts); `username` when absent. */
  shape?: StackShape;
  /** How wide the sign-up path is warmed before ready (warm-functions.ts); `burst` when absent. */
  warm?: WarmWidth;
  /**
   * 'none': the primary pool runs none of cognito-dr's triggers, as an adopted pool deployed with installTriggers
   * false: users are captured from CloudTrail alone (the stand-in). Default 'all'.
   */
  primaryTriggers?: 'all' | 'none';
  progress: (line: string) => void;
}

export interface StepContext {
  opts: StackOptions;
  supervisor: Supervisor;
  ports: Ports;
  /** Rejects as soon as any component of the stack dies. */
  died: Promise<never>;
}

/**
 * How long a component may take to answer once started. A few seconds on a quiet machine; on a shared one whose
 * cores are all busy, minutes. A component that dies fails its step at once, whatever this allows.
 */
export const READY_TIMEOUT_MS = 120_000;

export const url = (port: number) => `http://127.0.0.1:${port}`;

/** A child running one of the repository's TypeScript entry points. */
export const tsx = (ctx: StepContext, name: string, entry: string, env: NodeJS.ProcessEnv): ChildSpec => ({
  name,
  command: process.execPath,
  args: ['--import', 'tsx', join(ctx.opts.root, entry)],
  cwd: ctx.opts.root,
  env: { ...process.env, ...env },
});

/** Wait options that give up as soon as `child`, or any other component, dies. */
export const started = (ctx: StepContext, child: Supervised) => ({
  abort: Promise.race([child.died, ctx.died]),
});

export const serverlessFunctionName = (service: string, fn: string) => `${service}-${STAGE}-${fn}`;

export const serviceYml = (root: string, service: string) =>
  join(root, 'services', service, 'serverless.yml');
