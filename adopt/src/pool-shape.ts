// What of a pool Cognito fixes when it is created, and so what the backup pool must be created with to take the
// primary's users: sign-in attributes, case sensitivity, and which standard attributes are required or immutable.
// The replica stack reads it as the compose param primaryPoolShape (services/replica/resources/pool-shape.cjs);
// custom attributes and everything else come from `cognito-dr mirror` (custom attributes can be added later, and
// a custom resource's answer is limited to 4 KB, which fifty of them would not fit in).
import type { SchemaAttributeType, UserPoolType } from '@aws-sdk/client-cognito-identity-provider';

export interface PoolShape {
  usernameAttributes: string[];
  aliasAttributes: string[];
  caseSensitive: boolean;
  /** Standard attributes declared other than Cognito's default (optional and mutable), as the Schema takes them. */
  standardAttributes: SchemaAttributeType[];
}

const isCustom = (name: string) => /^(dev:)?custom:/.test(name);

/** The schema entry as CloudFormation's UserPool Schema takes it (no read-only flags, no constraints to restate). */
const declared = (attribute: SchemaAttributeType, name: string): SchemaAttributeType => ({
  Name: name,
  AttributeDataType: attribute.AttributeDataType,
  Mutable: attribute.Mutable,
  Required: attribute.Required,
});

/** Attributes every pool has and never declares. */
const IMPLICIT = new Set(['sub', 'identities', 'email_verified', 'phone_number_verified']);

export function poolShape(pool: UserPoolType): PoolShape {
  const attributes = pool.SchemaAttributes ?? [];
  return {
    usernameAttributes: [...(pool.UsernameAttributes ?? [])],
    aliasAttributes: [...(pool.AliasAttributes ?? [])],
    // Pools made before the setting existed report none and compare usernames case-sensitively.
    caseSensitive: pool.UsernameConfiguration?.CaseSensitive ?? true,
    standardAttributes: attributes
      .filter((a) => !isCustom(a.Name ?? '') && !IMPLICIT.has(a.Name ?? ''))
      .filter((a) => a.Required === true || a.Mutable === false)
      .map((a) => declared(a, a.Name ?? '')),
  };
}
