// Paces the replica's calls to the standby pool per Cognito quota category and retries throttled calls a bounded
// number of times, never past the invocation's deadline; tells throttling caused by our rate from throttling that
// is not (a noisy neighbour), so the first is paced to and the second does not slow applying to a crawl.
import type {
  CognitoIdentityProviderClient,
  ServiceInputTypes,
  ServiceOutputTypes,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type Clock,
  COGNITO_QUOTAS,
  cognitoClient,
  errorName,
  type QuotaCategory,
  quotaCategoryOf,
} from '@cognito-dr/shared';
// Types only (erased at build): the SDK's middleware signature.
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { classifyError } from './errors';

/** Errors Cognito (and the SDK) use to say "slow down". */
const THROTTLE_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'RequestLimitExceeded',
]);

const isThrottle = (error: unknown): boolean => THROTTLE_NAMES.has(errorName(error) ?? '');

/**
 * A call was not started (or not retried) because it could not finish before the invocation's deadline.
 * Transient: the stream redelivers the user to the next invocation.
 */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';

  constructor() {
    super('no time left in this invocation for another call');
  }
}

export interface RateSettings {
  /** The most we ever send (calls per second). */
  ceiling: number;
  /** Throttles never push the rate below this: progress continues whatever the cause. */
  floor: number;
}

/** One window of calls: the rate they were sent at and how many were throttled. */
interface Window {
  sendRate: number;
  calls: number;
  throttles: number;
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
export class AdaptiveRate {
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

export interface GovernorSettings {
  clock: Clock;
  /** Calls per second each category may use at most; categories left out use their default quota. */
  ceilings: Record<QuotaCategory, number>;
  /** Floor of every category as a share of its ceiling. */
  floorShare: number;
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** First back-off; each retry doubles it, with full jitter, up to maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Epoch ms after which no call starts and no back-off ends (the invocation's deadline less a margin). */
  cutoff: () => number;
  random?: () => number;
}

/** Each category's default quota times `scale`: what the replica may use when nobody else uses the category. */
export function quotaCeilings(scale = 1): Record<QuotaCategory, number> {
  return Object.fromEntries(
    Object.entries(COGNITO_QUOTAS).map(([category, info]) => [category, info.rps * scale]),
  ) as Record<QuotaCategory, number>;
}

export const DEFAULT_GOVERNOR = {
  floorShare: 0.1,
  maxAttempts: 8,
  baseBackoffMs: 50,
  maxBackoffMs: 1000,
} as const;

/** The rates of every category used so far, for logs and the bench. */
export type PacingSnapshot = Partial<
  Record<QuotaCategory, { rate: number; noise: number; quota: number | null }>
>;

export class CallGovernor {
  private readonly settings: GovernorSettings;
  private readonly rates = new Map<QuotaCategory, AdaptiveRate>();

  constructor(settings: GovernorSettings) {
    this.settings = settings;
  }

  /**
   * Runs `call` (one request of `operation`) paced by its category, retrying throttles and transient faults with
   * jittered exponential back-off. Gives up with the last error after maxAttempts, or with DeadlineExceededError
   * (or the last error) when the next attempt could not start before the cutoff.
   */
  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const { clock, maxAttempts, baseBackoffMs, maxBackoffMs } = this.settings;
    const random = this.settings.random ?? Math.random;
    const category = quotaCategoryOf(operation);
    const rate = category === undefined ? undefined : this.rateOf(category);
    for (let attempt = 1; ; attempt++) {
      const cutoff = this.settings.cutoff();
      if (clock.now() >= cutoff) throw new DeadlineExceededError();
      await rate?.take(cutoff);
      try {
        const result = await call();
        rate?.record(false);
        return result;
      } catch (error) {
        const throttled = isThrottle(error);
        if (throttled) rate?.record(true);
        if (!throttled && classifyError(error) !== 'transient') throw error;
        if (attempt >= maxAttempts) throw error;
        const delay = random() * Math.min(maxBackoffMs, baseBackoffMs * 2 ** (attempt - 1));
        if (clock.now() + delay >= this.settings.cutoff()) throw error;
        await clock.sleep(delay);
      }
    }
  }

  snapshot(): PacingSnapshot {
    const snapshot: PacingSnapshot = {};
    for (const [category, rate] of this.rates) {
      const { noise, quota } = rate.model;
      snapshot[category] = {
        rate: round(rate.rate),
        noise: round(noise),
        quota: quota === Number.POSITIVE_INFINITY ? null : round(quota),
      };
    }
    return snapshot;
  }

  private rateOf(category: QuotaCategory): AdaptiveRate {
    let rate = this.rates.get(category);
    if (!rate) {
      const ceiling = this.settings.ceilings[category];
      rate = new AdaptiveRate({ ceiling, floor: ceiling * this.settings.floorShare }, this.settings.clock);
      this.rates.set(category, rate);
    }
    return rate;
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The SDK's own retries, switched off: a client governed here retries in `CallGovernor.run`, which knows the
 * operation's category and the deadline. (The SDK's adaptive mode would also keep lowering one shared sending rate
 * on every throttle, for every category at once.)
 */
export const SINGLE_ATTEMPT = {
  acquireInitialRetryToken: async () => ({ getRetryCount: () => 0, getRetryDelay: () => 0 }),
  refreshRetryTokenForRetry: async (): Promise<never> => {
    throw new Error('no retries');
  },
  recordSuccess: () => {},
};

/**
 * Puts every request of `client` through `governor`, by the operation name the SDK gives its middleware (the
 * command classes' own names do not survive minified bundles). Placed before the SDK's retry step, so each attempt
 * is signed afresh. Returns the same client.
 */
export function governClient(
  client: CognitoIdentityProviderClient,
  governor: CallGovernor,
): CognitoIdentityProviderClient {
  const governed: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> =
    (next, context) => (args) =>
      governor.run(String(context.commandName ?? ''), () => next(args));
  client.middlewareStack.addRelativeTo(governed, {
    name: 'cognitoDrGovernor',
    relation: 'before',
    toMiddleware: 'retryMiddleware',
    override: true,
  });
  return client;
}

export interface GovernedClientOptions {
  region: string;
  /** Each category's default quota times this is the most the governor sends (1: the whole quota). */
  quotaShare: number;
  /** Epoch ms after which no call starts and no back-off ends. */
  cutoff: () => number;
  clock: Clock;
}

/** A Cognito client whose calls are paced and retried by a new governor (returned too, for its snapshot). */
export function governedCognitoClient(options: GovernedClientOptions): {
  cognito: CognitoIdentityProviderClient;
  governor: CallGovernor;
} {
  const governor = new CallGovernor({
    clock: options.clock,
    ceilings: quotaCeilings(options.quotaShare),
    ...DEFAULT_GOVERNOR,
    cutoff: options.cutoff,
  });
  const cognito = cognitoClient({
    region: options.region,
    maxAttempts: 1,
    retryStrategy: SINGLE_ATTEMPT,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  return { cognito: governClient(cognito, governor), governor };
}

/** A Cognito call that has not answered in this time is abandoned (and retried, as a transient failure). */
export const REQUEST_TIMEOUT_MS = 3000;

/**
 * No call starts, and no back-off ends, this close to the invocation's deadline: one more request and its
 * timeout still fit, so an invocation never outlives its deadline because of a call.
 */
export const CALL_MARGIN_MS = REQUEST_TIMEOUT_MS + 1000;
