// Checkpoints and the lease in the state table: chunks committed by the checkpoint, nothing else, and a lease that
// only one holder has until it expires.
import { errorName } from '@cognito-dr/shared';
import { FakeClock } from '@cognito-dr/shared/src/testing/fake-clock';
import { FakeStateTable } from '@cognito-dr/shared/src/testing/fake-state-table';
import { newCheckpoint } from './checkpoint';
import { encodeRefs } from './refs';
import { stateTableCheckpoints, stateTableLease } from './state-table';

const setUp = () => {
  const fake = new FakeStateTable();
  const clock = new FakeClock();
  const state = { table: fake.client, tableName: 'cognito-dr-state-test', clock };
  return { fake, clock, state, store: stateTableCheckpoints(state, 'repair') };
};
const target = { mode: 'repair' as const, dryRun: false, userPoolId: 'p', tableName: 't' };

describe('state-table checkpoints', () => {
  it('load what was committed, chunks in order, and ignore a chunk written after the last commit', async () => {
    const { store, clock } = setUp();
    const checkpoint = { ...newCheckpoint(target, clock.now()), chunks: 2 };
    const seen = { kind: 'seen' as const, refs: encodeRefs([1, 2, 3]) };
    const members = { kind: 'members' as const, group: 'gold', refs: encodeRefs([2]) };
    await store.save(checkpoint, [seen, members]);
    // A third chunk in the table that the committed checkpoint does not count, as an invocation leaves it when it
    // stops between writing a chunk and committing.
    await store.save({ ...checkpoint, chunks: 3 }, [seen]);
    await store.save(checkpoint, []);

    const loaded = await store.load();

    expect(loaded?.checkpoint).toEqual(checkpoint);
    expect(loaded?.chunks).toEqual([seen, members]);
    await store.clear();
    expect(await store.load()).toBeUndefined();
  });

  it('start over when chunks of the run have expired', async () => {
    const { store, fake, clock } = setUp();
    const checkpoint = { ...newCheckpoint(target, clock.now()), chunks: 1 };
    await store.save(checkpoint, [{ kind: 'seen', refs: encodeRefs([7]) }]);
    for (const key of [...fake.items.keys()]) if (key.startsWith('run#')) fake.items.delete(key);

    expect(await store.load()).toBeUndefined();
  });
});

describe('state-table checkpoints under a lease', () => {
  it("write only while the lease is theirs: a run that lost it writes neither chunk nor checkpoint over its successor's", async () => {
    const { state, fake, clock } = setUp();
    const first = stateTableLease(state, 'repair', 'first', 60_000);
    const second = stateTableLease(state, 'repair', 'second', 60_000);
    const firstStore = stateTableCheckpoints(state, 'repair', first);
    const secondStore = stateTableCheckpoints(state, 'repair', second);
    const checkpoint = { ...newCheckpoint(target, clock.now()), chunks: 1 };
    const chunk = { kind: 'seen' as const, refs: encodeRefs([1]) };

    expect(await first.acquire()).toBe(true);
    await firstStore.save(checkpoint, [chunk]);
    // Its lease expires unrenewed; the next start takes it and continues the run with a chunk of its own.
    clock.advance(60_001);
    expect(await second.acquire()).toBe(true);
    const successor = { kind: 'seen' as const, refs: encodeRefs([1, 2]) };
    await secondStore.save({ ...checkpoint, chunks: 2 }, [successor]);
    const before = structuredClone([...fake.items]);

    const late = await firstStore
      .save({ ...checkpoint, chunks: 2 }, [chunk])
      .catch((error: unknown) => error);
    expect(errorName(late)).toBe('LeaseLostError');
    expect(errorName(await firstStore.clear().catch((error: unknown) => error))).toBe('LeaseLostError');
    expect([...fake.items]).toEqual(before);
    expect((await secondStore.load())?.chunks).toEqual([chunk, successor]);
  });

  it('do not write under an expired lease even before anyone else takes it', async () => {
    const { state, fake, clock } = setUp();
    const lease = stateTableLease(state, 'repair', 'first', 60_000);
    const store = stateTableCheckpoints(state, 'repair', lease);
    expect(await lease.acquire()).toBe(true);
    clock.advance(60_001);

    const error = await store.save(newCheckpoint(target, clock.now()), []).catch((thrown: unknown) => thrown);

    expect(errorName(error)).toBe('LeaseLostError');
    expect([...fake.items.keys()].filter((key) => key.startsWith('checkpoint#'))).toEqual([]);
  });
});

describe('state-table lease', () => {
  it('has one holder at a time, renewed by it alone, free again once released or expired', async () => {
    const { state, clock } = setUp();
    const first = stateTableLease(state, 'reconcile', 'first', 60_000);
    const second = stateTableLease(state, 'reconcile', 'second', 60_000);

    expect(await first.acquire()).toBe(true);
    expect(await second.acquire()).toBe(false);
    await first.renew();
    clock.advance(60_001);
    expect(await second.acquire()).toBe(true);
    expect(errorName(await first.renew().catch((error: unknown) => error))).toBe('LeaseLostError');
    await first.release(); // not its lease any more: nothing happens
    expect(await first.acquire()).toBe(false);
    await second.release();
    expect(await first.acquire()).toBe(true);
  });
});
