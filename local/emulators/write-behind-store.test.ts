// Proves the local cognito-local persistence keeps what cognito-local's own store keeps: every write is readable at
// once, reaches the file (dates included) within one flush interval or at once on flushAll, and survives a restart.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  FLUSH_DUTY_RATIO,
  flushAll,
  nextFlushDelay,
  WriteBehindDataStoreFactory,
  WriteBehindFileEngine,
} from './write-behind-store';

const cognitoLocalRoot = dirname(require.resolve('cognito-local/package.json'));
const StormDB = require(require.resolve('stormdb', { paths: [cognitoLocalRoot] }));
const { StormDBDataStore } = require(join(cognitoLocalRoot, 'lib', 'services', 'dataStore', 'stormDb'));

const ctx = { logger: { debug: () => undefined } };
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('WriteBehindFileEngine', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'write-behind-'));
    jest.useFakeTimers();
  });
  afterEach(() => {
    flushAll();
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts a missing file empty and refuses to start over a corrupted one', () => {
    const file = join(dir, 'pool.json');
    expect(new WriteBehindFileEngine(file, 100).init()).toEqual({});
    expect(readJson(file)).toEqual({});
    writeFileSync(file, '{"Users": {"a"');
    expect(() => new WriteBehindFileEngine(file, 100).init()).toThrow(SyntaxError);
  });

  it('coalesces writes into one file rewrite per interval, holding the latest state', async () => {
    const file = join(dir, 'pool.json');
    const engine = new WriteBehindFileEngine(file, 100);
    engine.init();
    const state: Record<string, unknown> = { Users: {} };
    for (let i = 0; i < 50; i++) {
      (state.Users as Record<string, unknown>)[`user-${i}`] = { Username: `user-${i}` };
      await engine.write(state);
    }
    expect(readJson(file)).toEqual({});
    jest.advanceTimersByTime(99);
    expect(readJson(file)).toEqual({});
    jest.advanceTimersByTime(1);
    expect(Object.keys(readJson(file).Users)).toHaveLength(50);
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('writes pool files readable by their owner only, also over a temporary file a killed run left open', async () => {
    const file = join(dir, 'pool.json');
    writeFileSync(`${file}.tmp`, '{}', { mode: 0o644 });
    const engine = new WriteBehindFileEngine(file, 100);
    engine.init();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await engine.write({ Users: { a: { Username: 'a' } } });
    engine.flush();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('stores dates as ISO strings and reads them back as dates', async () => {
    const file = join(dir, 'pool.json');
    const engine = new WriteBehindFileEngine(file, 100);
    const created = new Date('2026-11-25T10:00:00.000Z');
    engine.init();
    await engine.write({ Users: { a: { UserCreateDate: created, Note: 'x' } } });
    flushAll();
    expect(readJson(file).Users.a.UserCreateDate).toBe('2026-11-25T10:00:00.000Z');
    const read = engine.read() as { Users: { a: { UserCreateDate: Date; Note: string } } };
    expect(read.Users.a.UserCreateDate).toEqual(created);
    expect(read.Users.a.Note).toBe('x');
  });

  it('does not bring back a file deleted with its pool', async () => {
    const file = join(dir, 'pool.json');
    const engine = new WriteBehindFileEngine(file, 100);
    engine.init();
    await engine.write({ Users: { a: {} } });
    rmSync(file);
    jest.advanceTimersByTime(100);
    expect(existsSync(file)).toBe(false);
  });

  it('flushAll writes what is pending at once and cancels the scheduled flush', async () => {
    const file = join(dir, 'pool.json');
    const engine = new WriteBehindFileEngine(file, 10_000);
    engine.init();
    await engine.write({ Users: { a: {} } });
    flushAll();
    expect(readJson(file)).toEqual({ Users: { a: {} } });
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('nextFlushDelay', () => {
  it('keeps the configured interval while rewrites are cheap, and stretches it as they grow', () => {
    expect(nextFlushDelay(100, 0)).toBe(100);
    expect(nextFlushDelay(100, 5)).toBe(100);
    expect(nextFlushDelay(100, 40)).toBe(40 * FLUSH_DUTY_RATIO);
    expect(nextFlushDelay(100, 40.2)).toBeGreaterThanOrEqual(40.2 * FLUSH_DUTY_RATIO);
  });
});

describe('WriteBehindDataStoreFactory with cognito-local StormDB stores', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'write-behind-'));
  });
  afterEach(() => {
    flushAll(); // nothing may be left to land in a removed directory
    rmSync(dir, { recursive: true, force: true });
  });

  const factory = () => new WriteBehindDataStoreFactory(dir, 50, StormDB, (db) => new StormDBDataStore(db));

  it('reads its own writes at once and finds them again after a restart', async () => {
    const store = await factory().create(ctx, 'local_pool', { Users: {}, Options: { Id: 'local_pool' } });
    await store.set(ctx, ['Users', 'alice'], { Username: 'alice', UserLastModifiedDate: new Date(0) });
    expect(await store.get(ctx, ['Users', 'alice', 'Username'])).toBe('alice');
    flushAll();

    const reopened = await factory().create(ctx, 'local_pool', { Users: {}, Options: { Id: 'local_pool' } });
    expect(await reopened.get(ctx, ['Users', 'alice', 'UserLastModifiedDate'])).toEqual(new Date(0));
    expect(await reopened.get(ctx, ['Options', 'Id'])).toBe('local_pool');
  });
});
