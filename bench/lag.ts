// Lag under a burst (`npm run bench -- lag`, and part of `npm run bench`): sign-up bursts timed from each
// confirmation to the user being readable in the backup pool, each beside the emulator floor of the same burst
// (rpo.ts), on a stack started for the run: its first burst, bursts after a warm-up, then the same after three
// failover drills on that stack. Each run starts its own stack, so "first burst after start" means that.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startStack } from '../local/stack/start-stack';
import { type BurstOptions, measureBurst, type RpoResult } from './rpo';
import { median } from './stats';

const root = resolve(__dirname, '..');
const DRILLS = 3;

export interface LagScenario {
  name: string;
  burst: BurstOptions;
  /** Measured after the three drills instead of on the fresh stack. */
  afterDrills: boolean;
  /** Held to the lag target: p99 within twice the floor (the emulator's own time for the same burst). */
  target: boolean;
}

/** In the order they run on each stack. */
export const LAG_SCENARIOS: LagScenario[] = [
  {
    name: 'first burst after start, 60 × 8',
    burst: { users: 60, concurrency: 8, warmUp: 0 },
    afterDrills: false,
    target: true,
  },
  {
    name: '60 × 8 after 16 warm-up',
    burst: { users: 60, concurrency: 8, warmUp: 16 },
    afterDrills: false,
    target: false,
  },
  {
    name: '200 × 16 after 16 warm-up',
    burst: { users: 200, concurrency: 16, warmUp: 16 },
    afterDrills: false,
    target: true,
  },
  {
    name: 'after 3 drills: first burst, 60 × 8',
    burst: { users: 60, concurrency: 8, warmUp: 0 },
    afterDrills: true,
    target: true,
  },
  {
    name: 'after 3 drills: 200 × 16 after 16 warm-up',
    burst: { users: 200, concurrency: 16, warmUp: 16 },
    afterDrills: true,
    target: true,
  },
];

export const LAG_TARGET_RATIO = 2;

export interface LagReport {
  runs: number;
  /** 1-minute load average before each run and after it: how busy the shared machine was. */
  load: Array<{ before: number; after: number }>;
  scenarios: Array<{ name: string; target: boolean; median: RpoResult; all: RpoResult[] }>;
}

const runDrill = async (stackFile: string) => {
  await promisify(execFile)(process.execPath, [join(root, 'cli', 'bin.cjs'), 'drill', '--stack', stackFile], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
};

const medianOf = (results: RpoResult[]): RpoResult =>
  Object.fromEntries(
    Object.keys(results[0] ?? {}).map((key) => [
      key,
      median(results.map((r) => Number(r[key as keyof RpoResult]))),
    ]),
  ) as unknown as RpoResult;

export const runLag = async (runs: number, log: (line: string) => void): Promise<LagReport> => {
  const results = LAG_SCENARIOS.map(() => [] as RpoResult[]);
  const load: LagReport['load'] = [];
  for (let run = 1; run <= runs; run++) {
    const before = loadavg()[0] ?? 0;
    const dataDir = mkdtempSync(join(tmpdir(), 'cognito-dr-lag-'));
    log(`lag run ${run}/${runs}: starting a fresh stack`);
    const stack = await startStack({
      root,
      dataDir,
      fresh: true,
      replicationDelayMs: 0,
      ports: 'free',
      progress: () => {},
    });
    try {
      let drilled = false;
      for (const [index, scenario] of LAG_SCENARIOS.entries()) {
        if (scenario.afterDrills && !drilled) {
          for (let drill = 1; drill <= DRILLS; drill++) {
            log(`lag run ${run}/${runs}: drill ${drill}/${DRILLS}`);
            await Promise.race([runDrill(stack.stackFile), stack.died]);
          }
          drilled = true;
        }
        const result = await Promise.race([measureBurst(stack.info, scenario.burst), stack.died]);
        results[index]?.push(result);
        log(`lag run ${run}/${runs}: ${scenario.name}: ${JSON.stringify(result)}`);
      }
    } finally {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    load.push({ before, after: loadavg()[0] ?? 0 });
  }
  return {
    runs,
    load,
    scenarios: LAG_SCENARIOS.map((scenario, index) => ({
      name: scenario.name,
      target: scenario.target,
      median: medianOf(results[index] ?? []),
      all: results[index] ?? [],
    })),
  };
};

/** Rows for the bench's table: p50 / p99 / floor p99 / ratio, the target where it applies. */
export const lagRows = (report: LagReport): Array<[string, string, string]> => [
  ...report.scenarios.map(({ name, target, median: m }): [string, string, string] => [
    name,
    `${m.p50Ms} / ${m.p99Ms} / ${m.floorP99Ms} / ${m.ratio}×`,
    target ? `ratio <= ${LAG_TARGET_RATIO}` : '',
  ]),
  [
    'load average (1 min) before / after',
    report.load.map((l) => `${l.before.toFixed(1)}/${l.after.toFixed(1)}`).join(', '),
    '',
  ],
];
