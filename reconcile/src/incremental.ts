// Which scheduled reconcile passes read only what changed. Each hourly pass reads the records of the users the pool
// shows modified in the last `windowHours` (an incremental walk, engine.ts); the pass that starts in the UTC hour
// `fullHourUtc` reads every record, lists every group's members and scans the table, which catches what the pool
// does not date (group memberships) and records of users who left without a capture. The window spans several
// passes, so a start skipped (a long pass holding the lease) or failed leaves no modification unread.
export interface IncrementalSettings {
  windowHours: number;
  fullHourUtc: number;
}

export const DEFAULT_INCREMENTAL: IncrementalSettings = { windowHours: 6, fullHourUtc: 0 };

const HOUR_MS = 3_600_000;

/** The walk's modifiedSince for a pass starting at `now`; undefined: a full pass. */
export function incrementalSince(
  now: number,
  settings: IncrementalSettings = DEFAULT_INCREMENTAL,
): number | undefined {
  if (!(settings.windowHours > 0)) throw new RangeError('windowHours: expected more than 0');
  if (!Number.isInteger(settings.fullHourUtc) || settings.fullHourUtc < 0 || settings.fullHourUtc > 23)
    throw new RangeError('fullHourUtc: expected a whole hour from 0 to 23');
  return new Date(now).getUTCHours() === settings.fullHourUtc
    ? undefined
    : now - settings.windowHours * HOUR_MS;
}
