// `npm start`: runs the local two-region stack in the foreground until Ctrl-C, then stops every component.
// Options: --fresh (wipe the data directory first), --replication-delay-ms N (simulate distance between the
// regions), --free-ports (never try the well-known ports), --shape username|email|phone (which pools),
// --data-dir DIR (instead of .local/).
// Local Node may be older than the Lambda runtime; the SDK's advice to upgrade it is noise in every child's log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ChildDiedError } from '../lib/supervisor';
import { isStackShape, STACK_SHAPES } from './shapes';
import { type RunningStack, startStack } from './start-stack';
import { WARM_WIDTHS, type WarmWidth } from './warm-functions';

const READY_LINE = 'cognito-dr local stack ready';

const { values } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    'replication-delay-ms': { type: 'string', default: '0' },
    'free-ports': { type: 'boolean', default: false },
    'backup-throttle-rate': { type: 'string', default: '0' },
    shape: { type: 'string', default: 'username' },
    'data-dir': { type: 'string' },
    warm: { type: 'string', default: 'burst' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: npm start -- [--fresh] [--replication-delay-ms N] [--free-ports] [--backup-throttle-rate R]\n' +
      '                    [--shape username|email|phone] [--data-dir DIR] [--warm burst|single]\n' +
      '  --fresh                   wipe the data directory (emulator data, logs, dead letters) before starting\n' +
      '  --replication-delay-ms N  hold every cross-region copy N ms, to simulate distance between regions\n' +
      '  --free-ports              take free ports instead of the usual ones (3000, 8000, 9229, ...)\n' +
      "  --backup-throttle-rate R  reject share R (0..1) of the replica's backup-pool calls as throttled\n" +
      '  --shape S                 the pools: username (default), email or phone (users sign in with it)\n' +
      '  --data-dir DIR            keep data, logs and stack.json in DIR instead of .local/\n' +
      '  --warm single             warm each sign-up function once, not as wide as a burst (burst, the default)\n',
  );
  process.exit(0);
}

const replicationDelayMs = Number(values['replication-delay-ms']);
if (!Number.isInteger(replicationDelayMs) || replicationDelayMs < 0) {
  process.stderr.write('--replication-delay-ms: expected a whole number of milliseconds, 0 or more\n');
  process.exit(2);
}

const backupThrottleRate = Number(values['backup-throttle-rate']);
if (!(backupThrottleRate >= 0 && backupThrottleRate <= 1)) {
  process.stderr.write('--backup-throttle-rate: expected a number from 0 to 1\n');
  process.exit(2);
}

const shape = values.shape ?? 'username';
if (!isStackShape(shape)) {
  process.stderr.write(`--shape: expected one of ${STACK_SHAPES.join(', ')}\n`);
  process.exit(2);
}

const warm = values.warm ?? 'burst';
if (!WARM_WIDTHS.includes(warm as WarmWidth)) {
  process.stderr.write(`--warm: expected one of ${WARM_WIDTHS.join(', ')}\n`);
  process.exit(2);
}

const root = resolve(__dirname, '..', '..');
const started = Date.now();
let stack: RunningStack | undefined;
let stopping = false;

const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('stopping the local stack...\n');
  await stack?.stop();
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

startStack({
  root,
  dataDir: values['data-dir'] ? resolve(values['data-dir']) : join(root, '.local'),
  shape,
  warm: warm as WarmWidth,
  fresh: values.fresh ?? false,
  replicationDelayMs,
  backupThrottleRate,
  ports: values['free-ports'] ? 'free' : 'preferred',
  progress: (line) => process.stdout.write(`  ${line}\n`),
})
  .then((running) => {
    stack = running;
    process.stdout.write(`  stack description: ${running.stackFile}\n  logs: ${running.info.logs}\n`);
    process.stdout.write(`${READY_LINE} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    return running.died;
  })
  .catch(async (error: unknown) => {
    process.stderr.write(
      `${error instanceof ChildDiedError || error instanceof Error ? error.message : String(error)}\n`,
    );
    await shutdown(1);
  });
