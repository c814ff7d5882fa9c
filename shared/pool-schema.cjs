// Builds both pools' CloudFormation Schema lists from pool-schema.json, for serverless.yml's ${file()} resolver.
const {
  customAttributes,
  linkAttributes,
  userWritableAttributes,
  replicatedStandardAttributes,
} = require('./pool-schema.json');

// Standard attributes the pools require at sign-up; custom attributes can never be required.
const standard = [
  { Name: 'email', AttributeDataType: 'String', Mutable: true, Required: true },
  { Name: 'name', AttributeDataType: 'String', Mutable: true, Required: false },
];

/** A custom attribute as CloudFormation and CreateUserPool take it (our own flag left out). */
const declared = ({ writableByUsers, ...attribute }) => attribute;

module.exports = {
  // Both pools carry the link: either may create users from the other's records (replication, migration, restore).
  primarySchema: () => [...standard, ...customAttributes.map(declared), ...linkAttributes],
  backupSchema: () => [...standard, ...customAttributes.map(declared), ...linkAttributes],
  // The link as an adopted pool is given it (AddCustomAttributes, through the AdoptedUserPool custom resource).
  linkAttribute: () => linkAttributes[0],
  // An app client's WriteAttributes: never custom:source_sub, never what only administrators set.
  userWritableAttributes: () => [
    ...userWritableAttributes,
    ...customAttributes.filter((a) => a.writableByUsers).map((a) => `custom:${a.Name}`),
  ],
  // The backup pool's replicator client writes a whole record in a sign-up: its attributes and the link.
  replicatorWriteAttributes: () => [
    ...replicatedStandardAttributes,
    ...[...customAttributes, ...linkAttributes].map((a) => `custom:${a.Name}`),
  ],
};
