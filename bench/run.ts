// `npm run bench`: drives the local stack (COGNITO_DR_STACK_FILE, or a fresh one) and prints JSON and a short
// table. `npm run bench -- apply-faults` runs only the replica-under-faults scenarios (bench/apply-faults.ts),
// `npm run bench -- lag` only the bursts on stacks of their own (bench/lag.ts). Each figure is the median of --runs
// runs (default 3); these machines are shared, so compare medians and ratios, not single timings. Targets are
// checked here, never in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { applyFaultRows, runApplyFaults } from './apply-faults';
import { type ApplyResult, measureApplyThroughput } from './apply-throughput';
import { benchBackfill } from './backfill';
import { type LagReport, lagRows, runLag } from './lag';
import { runReconcileSim } from './reconcile-sim';
import { measureRpo, type RpoResult } from './rpo';
import { withStack } from './stack-for-bench';
import { median } from './stats';

// `npm run bench -- reconcile-sim ...` runs the reconcile simulation (reconcile-sim.ts) instead of the stack bench,
// `npm run bench -- apply-faults ...` only the replica under faults, `npm run bench -- lag` only the bursts (with
// this bench's options).
const subcommands: Record<string, () => Promise<void>> = {
  'reconcile-sim': () => runReconcileSim(process.argv.slice(3)),
  'apply-faults': () => applyFaultsOnly(),
  lag: () => lagOnly(),
};
const subcommand = subcommands[process.argv[2] ?? ''];

const { values } = parseArgs({
  args: process.argv[2] === 'reconcile-sim' ? [] : process.argv.slice(subcommand === undefined ? 2 : 3),
  options: {
    runs: { type: 'string', default: '3' },
    'rpo-users': { type: 'string', default: '200' },
    'rpo-concurrency': { type: 'string', default: '16' },
    'apply-records': { type: 'string', default: '2000' },
    'backfill-users': { type: 'string', default: '2000' },
    // New users per run of each apply-faults scenario (a few seconds to twenty each).
    'faults-users-default': { type: 'string', default: '600' },
    'faults-users-quota': { type: 'string', default: '200' },
    'faults-users-throttle': { type: 'string', default: '600' },
  },
});
const runs = Number(values.runs);
const faultUsers = {
  defaultQuotas: Number(values['faults-users-default']),
  quotaCutTo20: Number(values['faults-users-quota']),
  randomThrottle30: Number(values['faults-users-throttle']),
};

const applyFaultsOnly = async () => {
  const faults = await withStack((stack) => runApplyFaults(stack, runs, faultUsers));
  writeResults('apply-faults.json', faults);
  printRows(applyFaultRows(faults.median));
};

const logLine = (line: string) => process.stderr.write(`${line}\n`);

const lagOnly = async () => {
  const lag = await runLag(runs, logLine);
  writeResults('lag.json', lag);
  printRows(lagRows(lag));
};

const medianOf = <T extends object>(results: T[]): T =>
  Object.fromEntries(
    Object.keys(results[0] ?? {}).map((key) => [key, median(results.map((r) => Number(r[key as keyof T])))]),
  ) as T;

const round = (n: number) => Math.round(n * 100) / 100;

const main = async () => {
  const report = await withStack(async (stack) => {
    const rpo: RpoResult[] = [];
    const apply: ApplyResult[] = [];
    const backfill: Array<{ usersPerSecond: number; seedUsersPerSecond: number; ratio: number }> = [];
    // Backfill is for users nothing captured: its seeded users must not reach the table through CloudTrail.
    const cloudTrail = (recording: boolean) =>
      fetch(stack.faultInjection.cloudTrail, { method: 'PUT', body: JSON.stringify({ recording }) });
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`run ${i + 1}/${runs}: RPO burst\n`);
      rpo.push(await measureRpo(stack, Number(values['rpo-users']), Number(values['rpo-concurrency'])));
      process.stderr.write(`run ${i + 1}/${runs}: replica apply throughput\n`);
      apply.push(await measureApplyThroughput(stack, Number(values['apply-records'])));
      process.stderr.write(`run ${i + 1}/${runs}: backfill throughput\n`);
      await cloudTrail(false);
      try {
        const b = await benchBackfill({ stack, users: Number(values['backfill-users']) });
        backfill.push({
          usersPerSecond: b.usersPerSecond,
          seedUsersPerSecond: b.seedUsersPerSecond,
          ratio: b.usersPerSecond / b.seedUsersPerSecond,
        });
      } finally {
        await cloudTrail(true);
      }
      // Each run's figures as soon as it ends: a long bench stopped early still leaves its numbers.
      process.stderr.write(
        `run ${i + 1}/${runs}: ${JSON.stringify({ rpo: rpo.at(-1), apply: apply.at(-1), backfill: backfill.at(-1) })}\n`,
      );
    }
    return {
      runs,
      rpo: { median: medianOf(rpo), all: rpo },
      apply: { median: medianOf(apply), all: apply },
      backfill: { median: medianOf(backfill), all: backfill },
      applyFaults: await runApplyFaults(stack, runs, faultUsers),
    };
  });
  // On stacks of its own, after the stack above is released: each run's first burst needs a stack just started.
  const lag: LagReport = await runLag(runs, logLine);
  writeResults('results.json', { ...report, lag });
  const r = report.rpo.median;
  const a = report.apply.median;
  const rows: Array<[string, string, string]> = [
    ['RPO p50 / p95 / p99 / max (ms)', `${r.p50Ms} / ${r.p95Ms} / ${r.p99Ms} / ${r.maxMs}`, 'p99 <= 1000'],
    ['  floor p50 / p99 (ms), p99 ratio', `${r.floorP50Ms} / ${r.floorP99Ms}, ${r.ratio}×`, 'ratio <= 2'],
    ['users not visible after 30 s', String(r.notVisibleAfter30s), '0'],
    ['confirm call p50 / p99 (ms, with capture)', `${r.confirmP50Ms} / ${r.confirmP99Ms}`, ''],
    ['replica apply (records/s)', String(round(a.handlerRecordsPerSecond)), ''],
    ['raw AdminCreateUser (users/s)', String(round(a.rawAdminCreateUserPerSecond)), ''],
    ['apply ÷ raw AdminCreateUser', String(round(a.ratioToRawCreate)), '>= 0.8'],
    ['  ceiling with two calls per user', String(round(a.twoCallCeiling)), ''],
    ['apply ÷ raw create + set password', String(round(a.ratioToRawConfirmedUser)), '>= 0.8 (like for like)'],
    ['backfill (users/s, unpaced)', String(round(report.backfill.median.usersPerSecond)), ''],
    [
      'raw create + set password, seeding (users/s)',
      String(round(report.backfill.median.seedUsersPerSecond)),
      '',
    ],
  ];
  printRows([...rows, ...applyFaultRows(report.applyFaults.median), ...lagRows(lag)]);
};

const writeResults = (file: string, report: unknown) => {
  const out = join(resolve(__dirname, '..'), '.local', 'bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, file), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report)}\n\n`);
};

const printRows = (rows: Array<[string, string, string]>) => {
  for (const [name, value, target] of rows) {
    process.stdout.write(`${name.padEnd(42)} ${value.padEnd(28)} ${target}\n`);
  }
};

(subcommand ?? main)().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
