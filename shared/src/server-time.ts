// What time AWS says it is, read from the Date header of its answers, so a tool that stamps records with its own
// clock refuses to write when that clock is wrong. The newest snapshot of a user wins: records written by a laptop
// whose clock runs fast would make every later capture of those users look stale, and be kept over them.
import type { Clock } from './clock';

/** One answer: the local clock when its attempt left and when the answer arrived, and the answer's Date header. */
export interface ServerTimeSample {
  sentAt: number;
  receivedAt: number;
  /** The Date header (epoch ms): whole seconds, read by the server at some instant between sentAt and receivedAt. */
  serverTime: number;
}

export interface ClockOffset {
  /** Local clock minus AWS's (ms): positive when the local clock is ahead. The middle of what the answers allow. */
  aheadMs: number;
  /** The true offset is within aheadMs ± this: half the header's one-second resolution plus half a round trip. */
  uncertaintyMs: number;
  samples: number;
}

/** How far off a clock that stamps records may be. */
export const MAX_CLOCK_SKEW_MS = 1_000;

/** The local clock is too far off AWS's to stamp records (or could not be checked). Nothing was written. */
export class ClockSkewError extends Error {
  override readonly name = 'ClockSkewError';
}

const SECOND = 1_000;

/**
 * The local clock's offset from AWS's, from every answer seen. Each answer bounds it: the server read its clock at
 * a local instant in [sentAt, receivedAt] and the header cut that reading to the second, so local minus server lies
 * in (sentAt - serverTime - 1 s, receivedAt - serverTime]. Answers narrow the range together; answers that
 * contradict each other (a clock stepped meanwhile, an answer from a cache) leave the latest to speak alone.
 */
export function clockOffset(samples: readonly ServerTimeSample[]): ClockOffset | undefined {
  const latest = samples.at(-1);
  if (!latest) return undefined;
  const bounds = (sample: ServerTimeSample) => ({
    low: sample.sentAt - sample.serverTime - SECOND,
    high: sample.receivedAt - sample.serverTime,
  });
  let { low, high } = bounds(latest);
  for (const sample of samples) {
    const one = bounds(sample);
    low = Math.max(low, one.low);
    high = Math.min(high, one.high);
  }
  if (low > high) ({ low, high } = bounds(latest));
  return { aheadMs: (low + high) / 2, uncertaintyMs: (high - low) / 2, samples: samples.length };
}

/** Throws ClockSkewError, with the measured offset, when the local clock is more than `maxSkewMs` off. */
export function assertClockWithin(
  offset: ClockOffset | undefined,
  maxSkewMs = MAX_CLOCK_SKEW_MS,
): ClockOffset {
  if (!offset) {
    throw new ClockSkewError(
      'cannot check the local clock: no AWS answer carried a Date header; nothing was written',
    );
  }
  if (Math.abs(offset.aheadMs) <= maxSkewMs) return offset;
  const seconds = (ms: number) => (Math.abs(ms) / SECOND).toFixed(1);
  throw new ClockSkewError(
    `the local clock is ${seconds(offset.aheadMs)} s ${offset.aheadMs > 0 ? 'ahead of' : 'behind'} AWS ` +
      `(±${seconds(offset.uncertaintyMs)} s, from the Date header of its answers), more than the ` +
      `${seconds(maxSkewMs)} s records may be off: records carry this clock's time, and the newest wins. ` +
      'Nothing was written; set the clock right (NTP) and run the command again',
  );
}

/** The part of an AWS SDK v3 client's middleware stack this uses: every client has it. */
interface WatchableClient {
  middlewareStack: {
    add(
      // biome-ignore lint/suspicious/noExplicitAny: a middleware of any client, whatever its commands.
      middleware: (next: (args: any) => Promise<any>) => (args: any) => Promise<any>,
      options: { step: 'deserialize'; priority: 'low'; name: string },
    ): void;
  };
}

/**
 * Collects the Date header of every answer the watched clients receive, each attempt timed on `clock` (the clock
 * that stamps records), and says whether that clock can be trusted.
 */
export class ServerTime {
  private readonly samples: ServerTimeSample[] = [];

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /**
   * Times every attempt the client sends. Innermost in the deserialize step: one attempt, retries apart, and the raw
   * answer whatever its status, before anything is parsed.
   */
  watch<C extends WatchableClient>(client: C): C {
    client.middlewareStack.add(
      (next) => async (args) => {
        const sentAt = this.clock.now();
        const result = await next(args);
        const date = (result as { response?: { headers?: Record<string, string | undefined> } }).response
          ?.headers?.date;
        const serverTime = date === undefined ? Number.NaN : Date.parse(date);
        if (Number.isFinite(serverTime)) this.note({ sentAt, receivedAt: this.clock.now(), serverTime });
        return result;
      },
      { step: 'deserialize', priority: 'low', name: 'cognitoDrServerTime' },
    );
    return client;
  }

  note(sample: ServerTimeSample): void {
    this.samples.push(sample);
  }

  offset(): ClockOffset | undefined {
    return clockOffset(this.samples);
  }

  /**
   * Refuses (ClockSkewError) a clock more than `maxSkewMs` off AWS's. Answers already received decide; with none
   * yet, `probe` makes a call the caller would make anyway.
   */
  async assertTrusted(probe: () => Promise<unknown>, maxSkewMs = MAX_CLOCK_SKEW_MS): Promise<ClockOffset> {
    if (this.samples.length === 0) await probe();
    return assertClockWithin(this.offset(), maxSkewMs);
  }
}
