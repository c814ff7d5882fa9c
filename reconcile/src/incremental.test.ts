import { DEFAULT_INCREMENTAL, incrementalSince } from './incremental';

const at = (iso: string) => Date.parse(iso);

describe('incrementalSince', () => {
  it('makes the pass that starts in the full hour a full one', () => {
    expect(incrementalSince(at('2026-12-07T00:05:00Z'))).toBeUndefined();
    expect(incrementalSince(at('2026-12-07T00:59:59Z'))).toBeUndefined();
  });

  it('makes every other pass read what was modified within the window', () => {
    const now = at('2026-12-07T13:05:00Z');
    expect(incrementalSince(now)).toBe(now - DEFAULT_INCREMENTAL.windowHours * 3_600_000);
    expect(incrementalSince(now, { windowHours: 2, fullHourUtc: 13 })).toBeUndefined();
    expect(incrementalSince(now, { windowHours: 2, fullHourUtc: 3 })).toBe(now - 7_200_000);
  });

  it.each([
    [{ windowHours: 0, fullHourUtc: 0 }, 'windowHours'],
    [{ windowHours: 6, fullHourUtc: 24 }, 'fullHourUtc'],
    [{ windowHours: 6, fullHourUtc: 1.5 }, 'fullHourUtc'],
  ])('refuses %j', (settings, field) => {
    expect(() => incrementalSince(0, settings)).toThrow(field);
  });
});
