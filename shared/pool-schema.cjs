// Builds both pools' CloudFormation Schema lists and their app clients' WriteAttributes from pool-schema.json, for
// serverless.yml's ${file()} resolver and the local stack.
const {
  customAttributes,
  backupOnlyAttributes,
  clientWritableStandardAttributes,
} = require('./pool-schema.json');

// Standard attributes the pools require at sign-up; custom attributes can never be required.
const standard = [
  { Name: 'email', AttributeDataType: 'String', Mutable: true, Required: true },
  { Name: 'name', AttributeDataType: 'String', Mutable: true, Required: false },
];

const custom = (attributes) => attributes.map((attribute) => `custom:${attribute.Name}`);

// What users (through the application's clients) may write: never custom:source_sub, the link to the primary user.
const appClientWriteAttributes = () => [...clientWritableStandardAttributes, ...custom(customAttributes)];

module.exports = {
  primarySchema: () => [...standard, ...customAttributes],
  backupSchema: () => [...standard, ...customAttributes, ...backupOnlyAttributes],
  appClientWriteAttributes,
  // Everything replication writes in a sign-up: the record's attributes and the link.
  replicatorWriteAttributes: () => [...appClientWriteAttributes(), ...custom(backupOnlyAttributes)],
};
