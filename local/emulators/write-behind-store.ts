// LOCAL ONLY: persistence for cognito-local that costs what a real user pool write costs, O(1), instead of
// cognito-local's default of serialising and rewriting the whole pool file on every write (5 ms per write at
// 1,000 users and growing with the pool, which made every local figure depend on how many users earlier runs
// had left behind). Reads and writes go to memory at once, exactly as before; the file is rewritten at most once
// per `flushMs`, atomically (temporary file + rename), and synchronously on `flushAll()` when the process stops.
// A rewrite still costs time in proportion to the pool, so the interval stretches with it: flushing never takes
// more than 1/FLUSH_DUTY_RATIO of the emulator's time (a 5,000-user pool takes ~40 ms, so ~0.8 s apart).
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

type State = Record<string, unknown>;

/** cognito-local keeps Date objects in fields named *Date and stores them as ISO strings. */
function serialize(state: State): string {
  return JSON.stringify(
    state,
    function dates(this: Record<string, unknown>, key, value) {
      if (!key.endsWith('Date')) return value;
      const raw = this[key];
      return raw instanceof Date ? raw.toISOString() : value;
    },
    2,
  );
}

function deserialize(text: string): State {
  return JSON.parse(text, (key, value) => {
    if (!key.endsWith('Date')) return value;
    if (typeof value === 'number' || typeof value === 'string') return new Date(value);
    return value;
  }) as State;
}

const engines = new Set<WriteBehindFileEngine>();

/** Time between rewrites, at least this many times as long as the last rewrite took. */
export const FLUSH_DUTY_RATIO = 20;

/** How long to wait before the next rewrite, given the configured interval and how long the last one took. */
export function nextFlushDelay(flushMs: number, lastFlushMs: number): number {
  return Math.max(flushMs, Math.ceil(lastFlushMs * FLUSH_DUTY_RATIO));
}

/** Pool files hold users' attributes and app clients' secrets: the owner's alone. */
const FILE_MODE = 0o600;

/** A StormDB engine (init / read / write) whose writes reach the file in the background. */
export class WriteBehindFileEngine {
  private state: State | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastFlushMs = 0;

  constructor(
    private readonly path: string,
    private readonly flushMs: number,
  ) {
    engines.add(this);
  }

  init(): State {
    try {
      return this.read();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      writeFileSync(this.path, serialize({}), { mode: FILE_MODE });
      return {};
    }
  }

  read(): State {
    const text = readFileSync(this.path, 'utf8');
    return text === '' ? {} : deserialize(text);
  }

  /** StormDB hands over its live state object; the flush serialises whatever it holds by then. */
  write(state: State): Promise<void> {
    this.state = state;
    this.timer ??= setTimeout(() => this.flush(), nextFlushDelay(this.flushMs, this.lastFlushMs));
    return Promise.resolve();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const state = this.state;
    if (!state) return;
    this.state = undefined;
    // init() always leaves a file behind, so a missing one was deleted with its pool (DeleteUserPool removes
    // the file): writing now would bring the pool back at the next start.
    if (!existsSync(this.path)) {
      engines.delete(this);
      return;
    }
    const began = performance.now();
    writeFileSync(`${this.path}.tmp`, serialize(state), { mode: FILE_MODE });
    // A temporary file left by a killed process keeps its old mode through writeFileSync.
    chmodSync(`${this.path}.tmp`, FILE_MODE);
    renameSync(`${this.path}.tmp`, this.path);
    this.lastFlushMs = performance.now() - began;
  }
}

/** Writes every engine's pending state now; called before the process exits. */
export function flushAll(): void {
  for (const engine of engines) engine.flush();
}

export interface StormDbModule {
  new (engine: WriteBehindFileEngine): { default(defaults: unknown): unknown; save(): Promise<void> };
}

/**
 * Same contract as cognito-local's StormDBDataStoreFactory (`create(ctx, id, defaults)` → a data store), built
 * on the write-behind engine. `wrap` turns a StormDB instance into cognito-local's own StormDBDataStore.
 */
export class WriteBehindDataStoreFactory<Store> {
  constructor(
    private readonly directory: string,
    private readonly flushMs: number,
    private readonly StormDB: StormDbModule,
    private readonly wrap: (db: InstanceType<StormDbModule>) => Store,
  ) {}

  async create(_ctx: unknown, id: string, defaults: unknown): Promise<Store> {
    mkdirSync(this.directory, { recursive: true });
    const db = new this.StormDB(new WriteBehindFileEngine(`${this.directory}/${id}.json`, this.flushMs));
    db.default(defaults);
    await db.save();
    return this.wrap(db);
  }
}
