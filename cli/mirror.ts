// cognito-dr mirror: the backup pool's configuration made the primary's (the engine is @cognito-dr/mirror), with the
// differences printed as the backup has them -> as the primary has them, and never a secret.
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import {
  type IdentityProviderSecrets,
  loadIdentityProviderSecrets,
  type MirrorChange,
  type MirrorPlan,
  mirrorPools,
} from '@cognito-dr/mirror';
import { configurationApi, secretsClient } from '@cognito-dr/shared';
import { type CommandContext, EXIT } from './commands';
import { TargetError } from './targets';

const SIGN: Record<MirrorChange['action'], string> = { create: '+', update: '~' };

/** One line per difference of a change: `~ app-client web: CallbackURLs [...] -> [...]`. */
export function changeLines(change: MirrorChange): string[] {
  if (change.action === 'create') return [`${SIGN.create} ${change.section} ${change.name}`];
  return change.differences.map(
    (d) => `${SIGN.update} ${change.section} ${change.name}: ${d.field} ${d.backup} -> ${d.primary}`,
  );
}

function render(ctx: CommandContext, plan: MirrorPlan, applied: number, dryRun: boolean) {
  const { out, err } = ctx;
  if (ctx.options.json) {
    out(
      JSON.stringify({
        changes: plan.changes.map(({ write: _, ...change }) => change),
        blockers: plan.blockers,
        notes: plan.notes,
        applied,
        dryRun,
      }),
    );
  } else {
    for (const change of plan.changes) for (const line of changeLines(change)) out(line);
    for (const note of plan.notes) out(`note: ${note.section} ${note.name}: ${note.message}`);
  }
  if (plan.blockers.length > 0) {
    err(`cognito-dr: the backup pool cannot be made the primary's in place; nothing was changed:`);
    for (const b of plan.blockers) {
      err(`  ${b.section} ${b.name} ${b.field}: primary ${b.primary}, backup ${b.backup}`);
      err(`    ${b.todo}`);
    }
    return;
  }
  if (ctx.options.json) return;
  if (plan.changes.length === 0) out('the backup pool is configured as the primary');
  else if (dryRun) out(`${plan.changes.length} change(s) to make; run without --dry-run to make them`);
  else out(`${applied} change(s) made; a second run finds nothing to do`);
}

export async function runMirror(ctx: CommandContext): Promise<number> {
  const { target, options } = ctx;
  const primary = target.primary;
  const backup = target.backup;
  if (!primary || !backup) throw new TargetError('mirror needs both pools');
  const identityProviderSecrets: IdentityProviderSecrets | undefined = options.idpSecrets
    ? await loadIdentityProviderSecrets(options.idpSecrets, async (arn) => {
        const client = secretsClient({ region: arn.split(':')[3], maxAttempts: 3 });
        try {
          return (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
        } finally {
          client.destroy();
        }
      })
    : undefined;
  const dryRun = options.dryRun;
  const { plan, applied } = await mirrorPools(
    { api: configurationApi(primary.cognito), userPoolId: primary.userPoolId, where: primary.region },
    { api: configurationApi(backup.cognito), userPoolId: backup.userPoolId, where: backup.region },
    {
      dryRun,
      identityProviderSecrets,
      backupDomain: options.backupDomain,
      onApplied: (change) => ctx.progress?.(`${change.action} ${change.section} ${change.name}`),
    },
  );
  render(ctx, plan, applied, dryRun);
  if (plan.blockers.length > 0) return EXIT.usage;
  return dryRun && plan.changes.length > 0 ? EXIT.drift : EXIT.ok;
}
