// Child process entry: the fault proxy (fault-proxy-server.ts) in front of the backup pool's cognito-local. Its
// settings start from FAULT_THROTTLE_RATE, FAULT_LATENCY_MS and FAULT_QUOTA_SCALE (all off by default) and change at
// run time with `PUT /__fault-injection {"throttleRate": 0.3, "latencyMs": 50, "quotaScale": 0.2}`.
import { startFaultProxy } from './fault-proxy-server';

const target = new URL(process.env.FAULT_TARGET ?? '');
const port = Number(process.env.FAULT_PORT);
if (!target.host || !Number.isInteger(port)) throw new Error('FAULT_TARGET and FAULT_PORT must be set');

const scale = process.env.FAULT_QUOTA_SCALE;
startFaultProxy({
  target,
  port,
  settings: {
    throttleRate: Number(process.env.FAULT_THROTTLE_RATE ?? '0'),
    latencyMs: Number(process.env.FAULT_LATENCY_MS ?? '0'),
    quotaScale: scale ? Number(scale) : null,
  },
})
  .then(({ port: listening }) => {
    process.stdout.write(`fault proxy on 127.0.0.1:${listening} -> ${target.origin}\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`fault proxy failed to start: ${String(error)}\n`);
    process.exit(1);
  });
