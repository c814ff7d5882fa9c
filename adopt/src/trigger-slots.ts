// The triggers cognito-dr sets in a primary pool, and what each is for there.
export const TRIGGER_SLOTS = [
  // Refuses public sign-up while the pool is standby (after a failover).
  'PreSignUp',
  // Sends nothing while the pool is standby.
  'CustomMessage',
  // Signs nobody in while the pool is standby.
  'PreAuthentication',
  // Brings in, with their password, users who signed up in the backup pool during a failover.
  'UserMigration',
  // Gives a user who just migrated in the groups and state of their record.
  'PostAuthentication',
  // Captures a confirmed user at once (CloudTrail captures it too, later).
  'PostConfirmation',
] as const;

export type TriggerSlot = (typeof TRIGGER_SLOTS)[number];

/** A function ARN per trigger slot; a slot left out has none. */
export type TriggerArns = Partial<Record<TriggerSlot, string>>;

/** The param of services/primary that names the pool's own trigger for a slot (which cognito-dr's then calls). */
export const adoptedTriggerParam = (slot: TriggerSlot) => `adopted${slot}`;

export const isTriggerSlot = (name: string): name is TriggerSlot =>
  (TRIGGER_SLOTS as readonly string[]).includes(name);
