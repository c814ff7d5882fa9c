// The backup pool's creation-time settings for serverless.yml's ${file()} resolver. With param primaryPoolShape (in
// adopt mode compose passes the primary stack's PrimaryPoolShape output, adopt/src/pool-shape.ts) the backup pool
// is created as the adopted pool was: sign-in attributes, case sensitivity, required and immutable standard
// attributes; everything else comes from `cognito-dr mirror`. Without it, the demo pool of shared/pool-schema.json.
'use strict';

const schema = require('../../../shared/pool-schema.cjs');
const { linkAttributes, replicatedStandardAttributes } = require('../../../shared/pool-schema.json');

const NO_VALUE = { Ref: 'AWS::NoValue' };
const SIGN_IN = ['email', 'phone_number'];
const ALIASES = ['email', 'phone_number', 'preferred_username'];

class PoolShapeError extends Error {
  constructor(rule) {
    super(`param primaryPoolShape: ${rule} (it is the primary stack's PrimaryPoolShape output)`);
    this.name = 'PoolShapeError';
  }
}

const list = (value, field, allowed) => {
  if (!Array.isArray(value) || value.some((item) => !allowed.includes(item))) {
    throw new PoolShapeError(`${field} must be a list of ${allowed.join(', ')}`);
  }
  return value;
};

/** The shape, checked, or undefined for the demo pool. */
async function shapeOf(resolveVariable) {
  const raw = await resolveVariable('self:custom.fromPrimary.primaryPoolShape');
  // `none`: the primary stack's own pool (its PrimaryPoolShape output cannot be empty).
  if (raw === null || raw === undefined || ['', 'none'].includes(String(raw).trim())) return undefined;
  let shape;
  try {
    shape = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch {
    throw new PoolShapeError('not JSON');
  }
  if (typeof shape !== 'object' || shape === null) throw new PoolShapeError('not an object');
  list(shape.usernameAttributes, 'usernameAttributes', SIGN_IN);
  list(shape.aliasAttributes, 'aliasAttributes', ALIASES);
  if (shape.usernameAttributes.length > 0 && shape.aliasAttributes.length > 0) {
    throw new PoolShapeError('usernameAttributes and aliasAttributes exclude each other');
  }
  if (typeof shape.caseSensitive !== 'boolean')
    throw new PoolShapeError('caseSensitive must be true or false');
  if (!Array.isArray(shape.standardAttributes)) throw new PoolShapeError('standardAttributes must be a list');
  for (const attribute of shape.standardAttributes) {
    if (typeof attribute?.Name !== 'string' || /^(dev:)?custom:/.test(attribute.Name)) {
      throw new PoolShapeError('standardAttributes holds standard attributes only, each with a Name');
    }
  }
  return shape;
}

/** Standard attributes an adopted pool's users may not change after creation (the app clients cannot write them). */
const immutable = (shape) =>
  new Set(shape.standardAttributes.filter((a) => a.Mutable === false).map((a) => a.Name));

module.exports = {
  usernameAttributes: async ({ resolveVariable }) => {
    const shape = await shapeOf(resolveVariable);
    return shape && shape.usernameAttributes.length > 0 ? shape.usernameAttributes : NO_VALUE;
  },
  aliasAttributes: async ({ resolveVariable }) => {
    const shape = await shapeOf(resolveVariable);
    return shape && shape.aliasAttributes.length > 0 ? shape.aliasAttributes : NO_VALUE;
  },
  // What the pool verifies while active (backupPoolMode active): what its users sign in with, as failover sets it
  // (failover/src/pool-posture.ts identifiersOf); email for plain usernames.
  autoVerifiedWhenActive: async ({ resolveVariable }) => {
    const shape = await shapeOf(resolveVariable);
    const named = shape ? [...shape.usernameAttributes, ...shape.aliasAttributes] : [];
    const verifiable = ['email', 'phone_number'].filter((attribute) => named.includes(attribute));
    return verifiable.length > 0 ? verifiable : ['email'];
  },
  // The demo pools compare usernames ignoring case, as Cognito's console proposes.
  caseSensitive: async ({ resolveVariable }) => (await shapeOf(resolveVariable))?.caseSensitive ?? false,
  backupSchema: async ({ resolveVariable }) => {
    const shape = await shapeOf(resolveVariable);
    return shape ? [...shape.standardAttributes, ...linkAttributes] : schema.backupSchema();
  },
  // What users may set themselves: in an adopted pool the standard ones of the demo list (custom attributes come
  // with mirror, which also gives the apps' own clients theirs); never the link.
  userWritableAttributes: async ({ resolveVariable }) => {
    const shape = await shapeOf(resolveVariable);
    if (!shape) return schema.userWritableAttributes();
    const fixed = immutable(shape);
    return ['email', 'name'].filter((name) => !fixed.has(name));
  },
  // The replicator writes whole records; mirror adds each custom attribute it creates to this list.
  replicatorWriteAttributes: async ({ resolveVariable }) => {
    const shape = await shapeOf(resolveVariable);
    if (!shape) return schema.replicatorWriteAttributes();
    return [...replicatedStandardAttributes, ...linkAttributes.map((a) => `custom:${a.Name}`)];
  },
};
