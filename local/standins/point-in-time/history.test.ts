// The table's items at a time, from its change history: later changes do not count, a deletion removes the item, and
// the history file survives a restart of the stand-in.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { History, itemsAt } from './history';

const key = (username: string) => ({ username: { S: username } });
const image = (username: string, tier: string) => ({ ...key(username), tier: { S: tier } });

describe('itemsAt', () => {
  const entries = [
    { at: 100, key: key('alice'), image: image('alice', 'gold') },
    { at: 200, key: key('bob'), image: image('bob', 'gold') },
    { at: 300, key: key('alice'), image: image('alice', 'bronze') },
    { at: 400, key: key('bob'), image: null },
  ];

  it.each([
    [50, []],
    [100, [image('alice', 'gold')]],
    [250, [image('alice', 'gold'), image('bob', 'gold')]],
    [300, [image('alice', 'bronze'), image('bob', 'gold')]],
    [1000, [image('alice', 'bronze')]],
  ])('at %d', (time, expected) => {
    expect(itemsAt(entries, time)).toEqual(expected);
  });
});

describe('History', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'history-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps when it began and every change across a restart', () => {
    const file = join(dir, 'h.jsonl');
    const first = new History(file, 1000);
    first.append({ at: 1100, key: key('alice'), image: image('alice', 'gold') });
    const again = new History(file, 5000);
    again.append({ at: 5100, key: key('alice'), image: null });
    expect(again.since).toBe(1000);
    expect(again.itemsAt(2000)).toEqual([image('alice', 'gold')]);
    expect(again.itemsAt(6000)).toEqual([]);
  });

  it('places a change at the time it was made, also when the stream gave it after a later one', () => {
    const history = new History(join(dir, 'h.jsonl'), 0);
    history.append({ at: 300, key: key('alice'), image: image('alice', 'gold') });
    history.append({ at: 200, key: key('bob'), image: image('bob', 'gold') });
    expect(history.itemsAt(250)).toEqual([image('bob', 'gold')]);
    expect(history.itemsAt(300)).toEqual([image('alice', 'gold'), image('bob', 'gold')]);
  });
});
