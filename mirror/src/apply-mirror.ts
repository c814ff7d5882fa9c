// Carries out a mirror plan on the backup pool, one write after the other in the plan's order (custom attributes
// before the clients that read them, providers and resource servers before the clients that name them). Every write
// creates or converges, so a run stopped by an error is finished by running mirror again.
import type { ConfigurationWrites } from '@cognito-dr/shared';
import type { MirrorChange, MirrorPlan } from './plan-mirror';

/** A plan with blockers is never applied: what Cognito cannot change would be left half-mirrored. */
export class MirrorBlockedError extends Error {
  override readonly name = 'MirrorBlockedError';
}

export async function applyMirrorPlan(
  api: ConfigurationWrites,
  plan: MirrorPlan,
  onApplied: (change: MirrorChange) => void = () => {},
): Promise<number> {
  if (plan.blockers.length > 0) {
    throw new MirrorBlockedError(
      `${plan.blockers.length} difference(s) Cognito cannot change; nothing was written`,
    );
  }
  let applied = 0;
  for (const change of plan.changes) {
    const { write } = change;
    switch (write.op) {
      case 'addCustomAttributes':
        await api.addCustomAttributes(write.input);
        break;
      case 'updateUserPool':
        await api.updateUserPool(write.input);
        break;
      case 'setUserPoolMfaConfig':
        await api.setUserPoolMfaConfig(write.input);
        break;
      case 'createResourceServer':
        await api.createResourceServer(write.input);
        break;
      case 'updateResourceServer':
        await api.updateResourceServer(write.input);
        break;
      case 'createIdentityProvider':
        await api.createIdentityProvider(write.input);
        break;
      case 'updateIdentityProvider':
        await api.updateIdentityProvider(write.input);
        break;
      case 'createGroup':
        await api.createGroup(write.input);
        break;
      case 'updateGroup':
        await api.updateGroup(write.input);
        break;
      case 'createUserPoolClient':
        await api.createUserPoolClient(write.input);
        break;
      case 'updateUserPoolClient':
        await api.updateUserPoolClient(write.input);
        break;
      case 'createUserPoolDomain':
        await api.createUserPoolDomain(write.input);
        break;
    }
    applied += 1;
    onApplied(change);
  }
  return applied;
}
