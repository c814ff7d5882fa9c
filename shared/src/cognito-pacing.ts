// Paces calls to a Cognito pool per quota category and retries the throttled ones, never past a deadline: the one
// governor of every caller. A bulk run (reconcile, repair, restore) sends at fixed rates, its share of each quota;
// the stream's replica adapts each category's rate to the throttles it meets, and tells throttling caused by its own
// rate from throttling that is not (a noisy neighbour). Categories come from the one table, cognito-quotas.ts.
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Clock } from './clock';
import { COGNITO_QUOTAS, type QuotaCategory, quotaCategoryOf } from './cognito-quotas';
import { isThrottling } from './errors';

/**
 * A call was not started (or not retried) because it could not finish before the caller's deadline. Transient: the
 * work is left for the next invocation.
 */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';

  constructor() {
    super('no time left in this invocation for another call');
  }
}

/** One category's sending rate. */
export interface Rate {
  /** Calls per second sent now. */
  readonly rate: number;
  /** What explains the throttles seen (adaptive rates only). */
  readonly model?: ThrottleModel;
  /** Waits for a slot; throws DeadlineExceededError instead when the slot would come after `cutoff`. */
  take(cutoff?: number): Promise<void>;
  /** The outcome of one call: throttled or not. */
  record(throttled: boolean): void;
}

/**
 * A fixed rate: a token bucket holding one token, refilled at `ratePerSecond`. Calls leave evenly spaced and never
 * more than `ratePerSecond` of them fall in any one-second window. No bursting on purpose: the quota is shared with
 * the application and the triggers, so a bulk run spreads its share instead of spending it in bursts.
 */
export class Pacer implements Rate {
  readonly rate: number;
  private readonly clock: Clock;
  /** Start of the current run of back-to-back calls; slots are computed from it, never accumulated. */
  private origin = Number.NEGATIVE_INFINITY;
  private slot = 0;

  constructor(ratePerSecond: number, clock: Clock) {
    if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
      throw new RangeError(`rate must be a positive number of calls per second, got ${ratePerSecond}`);
    }
    this.rate = ratePerSecond;
    this.clock = clock;
  }

  /** Resolves when the caller may make one call. Safe to call concurrently: each caller gets its own slot. */
  async take(cutoff = Number.POSITIVE_INFINITY): Promise<void> {
    const now = this.clock.now();
    if (now > this.slotTime(this.slot)) {
      // Idle since the last slot: start a new run rather than letting the caller "catch up" in a burst.
      this.origin = now;
      this.slot = 0;
    }
    const at = this.slotTime(this.slot);
    if (at > cutoff) throw new DeadlineExceededError();
    this.slot += 1;
    if (at > now) await this.clock.sleep(at - now);
  }

  /** A fixed rate does not move: throttling by others is what the governor's retries are for. */
  record(): void {}

  /**
   * Whole milliseconds, rounded up: computing k * 1000 / rate afresh (not by adding intervals up) and rounding up
   * keeps slot k + rate exactly 1000 ms after slot k, so float error can never squeeze in an extra call.
   */
  private slotTime(slot: number): number {
    return this.origin + Math.ceil((slot * 1000) / this.rate);
  }
}

/** One window of calls: the rate they were sent at and how many were throttled. */
interface Window {
  sendRate: number;
  calls: number;
  throttles: number;
}

export interface RateSettings {
  /** The most we ever send (calls per second). */
  ceiling: number;
  /** Throttles never push the rate below this: progress continues whatever the cause. */
  floor: number;
}

/** What explains a category's throttles: a share `noise` refused whatever we do, and a quota on what is left. */
export interface ThrottleModel {
  noise: number;
  /** Calls per second that get through at most (after the noise); Infinity when no quota binds. */
  quota: number;
}

/**
 * The model that best explains the windows (maximum likelihood, binomial per window). A window sent at rate r
 * expects the share 1 - min((1 - noise) r, quota) / r to be throttled: `noise` where the quota does not bind,
 * 1 - quota / r where it does. A quota must earn its place: it is only kept when it explains the windows clearly
 * better than noise alone (a likelihood-ratio margin), because with every window at one rate a high noise and a
 * low quota explain them equally well.
 *
 * For each candidate quota (a fine geometric grid) and each split of the windows, sorted by rate, into those the
 * quota binds and those it does not, the best noise is the pooled share of the second group (kept within what
 * the split allows), so each candidate costs one pass over the windows.
 */
function fitThrottleModel(windows: readonly Window[]): ThrottleModel {
  const sorted = [...windows].sort((a, b) => a.sendRate - b.sendRate);
  const count = sorted.length;
  const callsBefore = [0];
  const throttlesBefore = [0];
  for (const w of sorted) {
    callsBefore.push((callsBefore.at(-1) ?? 0) + w.calls);
    throttlesBefore.push((throttlesBefore.at(-1) ?? 0) + w.throttles);
  }
  const allCalls = callsBefore[count] ?? 0;
  const allThrottles = throttlesBefore[count] ?? 0;
  const noiseOnly = { noise: allCalls > 0 ? allThrottles / allCalls : 0, quota: Number.POSITIVE_INFINITY };
  let best: ThrottleModel = noiseOnly;
  let bestFit = binomial(allThrottles, allCalls, noiseOnly.noise) + QUOTA_EVIDENCE;
  if (count === 0) return best;

  const slowest = sorted[0]?.sendRate ?? 0;
  const fastest = sorted[count - 1]?.sendRate ?? 0;
  const bound = new Array<number>(count + 1);
  for (let quota = slowest / 2; quota < fastest; quota *= QUOTA_GRID_STEP) {
    // bound[k]: log-likelihood of windows k.. when the quota binds all of them.
    bound[count] = 0;
    for (let k = count - 1; k >= 0; k--) {
      const w = sorted[k] as Window;
      bound[k] = (bound[k + 1] as number) + binomial(w.throttles, w.calls, 1 - quota / w.sendRate);
    }
    for (let k = 0; k < count; k++) {
      const firstBound = sorted[k] as Window;
      if (quota >= firstBound.sendRate) continue;
      // Windows before k are unbound: (1 - noise) r <= quota; window k is bound: (1 - noise) r > quota.
      const lastFree = sorted[k - 1];
      const low = lastFree ? Math.max(0, 1 - quota / lastFree.sendRate) : 0;
      const high = Math.min(MAX_NOISE, 1 - quota / firstBound.sendRate - 1e-9);
      if (low > high) continue;
      const freeCalls = callsBefore[k] as number;
      const freeThrottles = throttlesBefore[k] as number;
      const pooled = freeCalls > 0 ? freeThrottles / freeCalls : 0;
      const noise = Math.min(high, Math.max(low, pooled));
      const fit = binomial(freeThrottles, freeCalls, noise) + (bound[k] as number);
      if (fit > bestFit) {
        best = { noise, quota };
        bestFit = fit;
      }
    }
  }
  return best;
}

/** Log-likelihood of `throttles` out of `calls` when each is throttled with probability `share`. */
function binomial(throttles: number, calls: number, share: number): number {
  const p = Math.min(1 - 1e-4, Math.max(1e-4, share));
  return throttles * Math.log(p) + (calls - throttles) * Math.log(1 - p);
}

/**
 * One category's sending rate. Calls are counted in windows (a second and at least MIN_WINDOW_CALLS calls);
 * the last HISTORY windows are fitted to the two explanations of throttling (fitThrottleModel), and the rate
 * follows the fit:
 *
 * - a quota binds: send just under the rate where it starts to bind, probing slowly above it in case it grew;
 * - noise only: go back to the fastest rate the windows show to be no worse, whatever the share (slowing down
 *   would not make those throttles go away, only make applying slower);
 * - a window more throttled than the fit expects, or noise not yet told apart from a quota (every window at much
 *   the same rate): cut to a little under what got through. Whether the throttles then fall away (a quota) or
 *   stay (noise) is what the next fit sees. Never below the floor.
 */
export class AdaptiveRate implements Rate {
  rate: number;
  model: ThrottleModel = { noise: 0, quota: Number.POSITIVE_INFINITY };
  private readonly settings: RateSettings;
  private readonly clock: Clock;
  private nextSlot = Number.NEGATIVE_INFINITY;
  private window = { start: Number.NaN, calls: 0, throttles: 0 };
  private readonly history: Window[] = [];
  /** Noise told apart from a quota stays told for a while after the windows that showed it have been dropped. */
  private noiseProvenUntil = Number.NEGATIVE_INFINITY;

  constructor(settings: RateSettings, clock: Clock) {
    if (!(settings.floor > 0 && settings.ceiling >= settings.floor)) {
      throw new RangeError('rates need 0 < floor <= ceiling');
    }
    this.settings = settings;
    this.clock = clock;
    this.rate = settings.ceiling;
  }

  /** Waits for a slot; throws DeadlineExceededError instead when the slot would come after `cutoff`. */
  async take(cutoff = Number.POSITIVE_INFINITY): Promise<void> {
    const now = this.clock.now();
    // Evenly spaced, no bursting after idle time: the quota is shared, and a burst is what trips it.
    const at = Math.max(now, this.nextSlot);
    if (at > cutoff) throw new DeadlineExceededError();
    this.nextSlot = at + 1000 / this.rate;
    if (at > now) await this.clock.sleep(at - now);
  }

  /** Records the outcome of one call (throttled or not) and adjusts the rate at the end of each window. */
  record(throttled: boolean): void {
    const now = this.clock.now();
    if (Number.isNaN(this.window.start)) this.window.start = now;
    this.window.calls += 1;
    if (throttled) this.window.throttles += 1;
    const { calls, throttles } = this.window;
    const elapsed = now - this.window.start;
    // Most calls refused: no need to wait out the second to know the rate is far too high.
    const swamped = elapsed >= WINDOW_MS / 4 && throttles >= MIN_WINDOW_CALLS && throttles > calls / 2;
    if (calls >= MIN_WINDOW_CALLS && (elapsed >= WINDOW_MS || swamped)) this.closeWindow(elapsed);
  }

  private closeWindow(elapsedMs: number): void {
    const { calls, throttles } = this.window;
    this.window = { start: Number.NaN, calls: 0, throttles: 0 };
    const sendRate = (calls * 1000) / elapsedMs;
    const share = throttles / calls;
    this.history.push({ sendRate, calls, throttles });
    if (this.history.length > HISTORY) this.history.shift();
    const model = fitThrottleModel(this.history);
    this.model = model;

    const { ceiling, floor } = this.settings;
    const step = Math.max(MIN_STEP, ceiling * STEP_SHARE);
    const spread = 2 * Math.sqrt((Math.max(model.noise, 0.05) * (1 - model.noise)) / calls);
    const expected = 1 - Math.min((1 - model.noise) * sendRate, model.quota) / sendRate;
    const rates = this.history.map((w) => w.sendRate);
    const varied = Math.max(...rates) >= Math.min(...rates) * RATE_SPREAD_TO_TELL;
    const noiseOnly = model.quota === Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    if (noiseOnly && varied) this.noiseProvenUntil = now + NOISE_PROOF_MS;
    const untold = noiseOnly && model.noise > TOLERANCE && !varied && now > this.noiseProvenUntil;

    if (share > expected + TOLERANCE + spread || untold) {
      // Until noise is proven, assume a quota: aim at what got through.
      const noise = untold ? 0 : model.noise;
      const goodput = ((calls - throttles) * 1000) / elapsedMs;
      this.rate = Math.max(floor, Math.min(this.rate * MAX_CUT, (HEADROOM * goodput) / (1 - noise)));
    } else if (model.quota < Number.POSITIVE_INFINITY) {
      const limit = model.quota / (1 - model.noise);
      if (share > model.noise + TOLERANCE + spread) this.rate = HEADROOM * limit;
      else if (this.rate < HEADROOM * limit) this.rate = Math.min(HEADROOM * limit, this.rate + step);
      // The quota did not bite at this rate: it may have grown (the neighbour went quiet). Probe slowly.
      else this.rate = Math.min(ceiling, this.rate + step * PROBE_SHARE);
      this.rate = Math.max(floor, Math.min(ceiling, this.rate));
    } else {
      const fine = this.history.filter((w) => w.throttles / w.calls <= model.noise + TOLERANCE);
      const fastestFine = Math.max(0, ...fine.map((w) => w.sendRate));
      this.rate = Math.min(ceiling, Math.max(this.rate + step, fastestFine));
    }
  }
}

/** A window is at least a second and at least this many calls long: fewer say nothing about a share. */
const WINDOW_MS = 1000;
const MIN_WINDOW_CALLS = 10;
/** Windows the fit looks back on. */
const HISTORY = 30;
/** Log-likelihood a quota must gain over noise alone to be believed. */
const QUOTA_EVIDENCE = 3;
const QUOTA_GRID_STEP = 1.03;
/** Windows sent at rates this far apart tell a quota from noise. */
const RATE_SPREAD_TO_TELL = 4;
const NOISE_PROOF_MS = 5 * 60_000;
/** Share of throttles above what the fit expects that still counts as chance. */
const TOLERANCE = 0.05;
/** A cut aims this far below the goodput, and the rate sits this far below a quota's limit. */
const HEADROOM = 0.9;
/** A cut leaves at most this share of the rate. */
const MAX_CUT = 0.7;
/** Additive recovery per window, as a share of the ceiling (and at least MIN_STEP calls per second). */
const STEP_SHARE = 0.05;
const MIN_STEP = 0.5;
/** Share of the step taken when probing above a quota's limit. */
const PROBE_SHARE = 0.25;
const MAX_NOISE = 0.9;

/** Calls per category, as a governor counts them: every attempt sent, throttled or not. */
export type CallCounts = Record<QuotaCategory, number>;

export const QUOTA_CATEGORIES = Object.keys(COGNITO_QUOTAS) as QuotaCategory[];

export const zeroCalls = (): CallCounts =>
  Object.fromEntries(QUOTA_CATEGORIES.map((category) => [category, 0])) as CallCounts;

export interface GovernorSettings {
  clock: Clock;
  /** Calls per second each category may use at most. */
  ceilings: Record<QuotaCategory, number>;
  /**
   * Unset: every category sends at its ceiling (a bulk run's budget). Set: each category's rate adapts to the
   * throttles it meets (AdaptiveRate), never below this share of its ceiling (the stream's replica).
   */
  floorShare?: number;
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** First back-off; each retry doubles it, with full jitter, up to maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Epoch ms after which no call starts and no back-off ends (an invocation's deadline less a margin). */
  cutoff?: () => number;
  /** Which failures besides throttling are worth another attempt; by default AWS's transient faults. */
  retryable?: (error: unknown) => boolean;
  random?: () => number;
}

/** Each category's default quota times `scale`: what a caller may use when nobody else uses the category. */
export function quotaCeilings(scale = 1): Record<QuotaCategory, number> {
  return Object.fromEntries(
    QUOTA_CATEGORIES.map((category) => [category, COGNITO_QUOTAS[category].rps * scale]),
  ) as Record<QuotaCategory, number>;
}

export const DEFAULT_RETRIES = { maxAttempts: 8, baseBackoffMs: 50, maxBackoffMs: 1000 } as const;

/** The rates of every category used so far, for logs and the bench. */
export type PacingSnapshot = Partial<
  Record<QuotaCategory, { rate: number; noise: number; quota: number | null }>
>;

/** Socket-level failures Node reports in `code`: the request may never have reached the service. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** A fault the same call can get past a moment later: what the SDK's own retries would have retried. */
export function isTransientFault(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const details = error as {
    name?: unknown;
    code?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  if (details.name === 'TimeoutError') return true;
  if (typeof details.code === 'string' && NETWORK_CODES.has(details.code)) return true;
  if (details.$retryable) return true;
  const status = details.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500;
}

export class CallGovernor {
  private readonly settings: GovernorSettings;
  private readonly rates = new Map<QuotaCategory, Rate>();
  /** Attempts sent so far, by category. */
  readonly calls: CallCounts = zeroCalls();

  constructor(settings: GovernorSettings) {
    this.settings = settings;
  }

  /**
   * Runs `call` (one request of `operation`) paced by its category, retrying throttles and transient faults with
   * jittered exponential back-off. Gives up with the last error after maxAttempts, or with DeadlineExceededError
   * (or the last error) when the next attempt could not start before the cutoff. An operation the category table
   * does not know is paced as UserUpdate, the smallest category, so a call added later never runs unpaced.
   */
  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const { clock, maxAttempts, baseBackoffMs, maxBackoffMs } = this.settings;
    const random = this.settings.random ?? Math.random;
    const retryable = this.settings.retryable ?? isTransientFault;
    const cutoffOf = this.settings.cutoff ?? (() => Number.POSITIVE_INFINITY);
    const category = quotaCategoryOf(operation) ?? 'UserUpdate';
    const rate = this.rateOf(category);
    for (let attempt = 1; ; attempt++) {
      const cutoff = cutoffOf();
      if (clock.now() >= cutoff) throw new DeadlineExceededError();
      await rate.take(cutoff);
      this.calls[category] += 1;
      try {
        const result = await call();
        rate.record(false);
        return result;
      } catch (error) {
        const throttled = isThrottling(error);
        if (throttled) rate.record(true);
        if (!throttled && !retryable(error)) throw error;
        if (attempt >= maxAttempts) throw error;
        const delay = random() * Math.min(maxBackoffMs, baseBackoffMs * 2 ** (attempt - 1));
        if (clock.now() + delay >= cutoffOf()) throw error;
        await clock.sleep(delay);
      }
    }
  }

  snapshot(): PacingSnapshot {
    const snapshot: PacingSnapshot = {};
    for (const [category, rate] of this.rates) {
      const { noise, quota } = rate.model ?? { noise: 0, quota: Number.POSITIVE_INFINITY };
      snapshot[category] = {
        rate: round(rate.rate),
        noise: round(noise),
        quota: quota === Number.POSITIVE_INFINITY ? null : round(quota),
      };
    }
    return snapshot;
  }

  private rateOf(category: QuotaCategory): Rate {
    let rate = this.rates.get(category);
    if (!rate) {
      const { clock, floorShare } = this.settings;
      const ceiling = this.settings.ceilings[category];
      rate =
        floorShare === undefined
          ? new Pacer(ceiling, clock)
          : new AdaptiveRate({ ceiling, floor: ceiling * floorShare }, clock);
      this.rates.set(category, rate);
    }
    return rate;
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The same client with every request put through `governor`, which takes the place of the SDK's own retries: the
 * governor knows the operation's category and the deadline, and the SDK's adaptive mode would keep lowering one
 * sending rate shared by every category on each throttle. The client itself is left as it was (its other callers
 * keep their own retries): the returned view has a copy of its middleware stack in which the governor replaces the
 * retry step, so each attempt is signed afresh. The operation is named by the SDK's middleware context, not by the
 * command class, whose name does not survive a minified bundle.
 */
export function governClient<C extends CognitoIdentityProviderClient>(client: C, governor: CallGovernor): C {
  const view = Object.create(client) as C;
  const stack = (client as { middlewareStack?: C['middlewareStack'] }).middlewareStack;
  if (stack === undefined) {
    // A test double: no middleware stack, but its commands are not minified, so their class names are the operations.
    const send = (command: { constructor: { name: string } }, ...rest: unknown[]) =>
      governor.run(command.constructor.name, () =>
        (client.send as (...args: unknown[]) => Promise<unknown>).call(client, command, ...rest),
      );
    return Object.assign(view, { send });
  }
  const governed = stack.clone();
  governed.add(
    (next, context) => (args) => governor.run(String(context.commandName ?? ''), () => next(args)),
    { step: 'finalizeRequest', priority: 'high', name: 'retryMiddleware', tags: ['RETRY'], override: true },
  );
  return Object.assign(view, { middlewareStack: governed });
}
