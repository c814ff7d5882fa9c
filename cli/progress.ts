// The one-line progress display of a backfill, reconcile or repair on a terminal: where it is, users per second, ETA.
import type { Progress } from '@cognito-dr/reconcile';

const duration = (ms: number): string => {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}:${String(s).padStart(2, '0')}`;
};

export const usersPerSecond = (checked: number, workedMs: number): number =>
  workedMs > 0 ? (checked * 1000) / workedMs : 0;

/**
 * `estimatedUsers` is Cognito's EstimatedNumberOfUsers: an ETA is only shown for the pool phase, and only when
 * the pool gave an estimate (cognito-local always says 0).
 */
export function progressLine(progress: Progress, estimatedUsers: number | undefined): string {
  const { counts, phase, workedMs, mode } = progress;
  const rate = usersPerSecond(counts.checked, workedMs);
  const parts = [
    `${mode} · ${phase === 'listing' ? 'listing the pool' : mode === 'repair' ? 'looking for missing users' : 'looking for departed users'}`,
    `${counts.checked} checked`,
    `${counts.created} created, ${counts.updated} updated, ${mode === 'repair' ? `${counts.deleted} deleted` : `${counts.tombstoned} tombstoned`}`,
  ];
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  parts.push(`${rate.toFixed(1)} users/s`);
  if (phase === 'listing' && estimatedUsers && rate > 0 && estimatedUsers > counts.checked) {
    parts.push(`ETA ${duration(((estimatedUsers - counts.checked) / rate) * 1000)}`);
  }
  return parts.join(' · ');
}
