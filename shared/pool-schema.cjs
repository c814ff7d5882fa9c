// Builds both pools' CloudFormation Schema lists from pool-schema.json, for serverless.yml's ${file()} resolver.
const { customAttributes, linkAttributes, userWritableAttributes } = require('./pool-schema.json');

// Standard attributes the pools require at sign-up; custom attributes can never be required.
const standard = [
  { Name: 'email', AttributeDataType: 'String', Mutable: true, Required: true },
  { Name: 'name', AttributeDataType: 'String', Mutable: true, Required: false },
];

module.exports = {
  // Both pools carry the link: either may create users from the other's records (replication, migration, restore).
  primarySchema: () => [...standard, ...customAttributes, ...linkAttributes],
  backupSchema: () => [...standard, ...customAttributes, ...linkAttributes],
  // An app client's WriteAttributes: never custom:source_sub, never what only administrators set.
  userWritableAttributes: () => [...userWritableAttributes],
};
