// The local event source mapping drops the records a stream event's filterPatterns exclude, as Lambda does.
import { type FilterPattern, matchesAnyPattern } from './event-filter';

const record = (origin: string | undefined, eventName = 'MODIFY') => ({
  eventName,
  dynamodb: origin === undefined ? { Keys: {} } : { NewImage: { origin: { S: origin } } },
});

const notFromBackup: FilterPattern[] = [
  { dynamodb: { NewImage: { origin: { S: [{ 'anything-but': ['ap-northeast-1'] }] } } } },
];

it('keeps records of other origins and drops those of the excluded one', () => {
  expect(matchesAnyPattern(notFromBackup, record('us-east-1'))).toBe(true);
  expect(matchesAnyPattern(notFromBackup, record('ap-northeast-1'))).toBe(false);
});

it('drops a record without the filtered field (a REMOVE has no new image)', () => {
  expect(matchesAnyPattern(notFromBackup, record(undefined, 'REMOVE'))).toBe(false);
});

it('delivers everything without patterns, and anything one of several patterns matches', () => {
  expect(matchesAnyPattern([], record('ap-northeast-1'))).toBe(true);
  const either: FilterPattern[] = [{ eventName: ['INSERT'] }, { eventName: [{ prefix: 'MOD' }] }];
  expect(matchesAnyPattern(either, record('x', 'MODIFY'))).toBe(true);
  expect(matchesAnyPattern(either, record('x', 'REMOVE'))).toBe(false);
  expect(matchesAnyPattern([{ dynamodb: { OldImage: [{ exists: false }] } }], record('x'))).toBe(true);
});
