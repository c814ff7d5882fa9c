// Step 5: the replica reaches the backup pool through a proxy that can inject latency, quotas and throttling (off
// unless asked for). It bypasses the backup's CloudTrail stand-in: in AWS the capture there ignores the applier's
// calls anyway.
import { httpAnswers, waitFor } from '../../lib/wait-for';
import { READY_TIMEOUT_MS, type StepContext, started, tsx, url } from './context';

/** Returns the proxy's control endpoint. */
export const startFaultProxy = async (ctx: StepContext): Promise<string> => {
  const { ports } = ctx;
  const proxy = ctx.supervisor.start(
    tsx(ctx, 'backup-fault-proxy', 'local/emulators/fault-proxy.ts', {
      FAULT_TARGET: url(ports.cognitoBackupEmulator),
      FAULT_PORT: String(ports.backupFaultProxy),
      FAULT_THROTTLE_RATE: String(ctx.opts.backupThrottleRate ?? 0),
    }),
  );
  const control = `${url(ports.backupFaultProxy)}/__fault-injection`;
  await waitFor(() => httpAnswers(control), {
    what: 'backup fault proxy',
    timeoutMs: READY_TIMEOUT_MS,
    ...started(ctx, proxy),
  });
  return control;
};
