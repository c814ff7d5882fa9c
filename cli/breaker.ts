// The deletion breaker for the CLI's own runs that delete users (repair, the catch-ups of failover and failback): the
// region's counters and holds in its state table, the default thresholds, and one line on stderr once it holds.

import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type DeletionBreaker, deletionBreaker } from '@cognito-dr/apply';
import type { Clock, StateTable } from '@cognito-dr/shared';

export function cliBreaker(
  where: {
    region: string;
    state: StateTable;
    pool: { cognito: CognitoIdentityProviderClient; userPoolId: string };
  },
  ctx: { clock: Clock; err: (line: string) => void },
): DeletionBreaker {
  let told = false;
  return deletionBreaker({
    state: where.state,
    pool: where.pool,
    now: () => ctx.clock.now(),
    onHeld: ({ count, threshold }) => {
      if (told) return;
      told = true;
      ctx.err(
        `the deletion breaker of ${where.pool.userPoolId} (${where.region}) is holding deletions: ${count} in its ` +
          `window, over ${threshold}; see \`cognito-dr deletes --list\``,
      );
    },
  });
}
