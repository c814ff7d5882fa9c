// Builds both pools' CloudFormation Schema lists from pool-schema.json, for serverless.yml's ${file()} resolver.
const { customAttributes, backupOnlyAttributes } = require('./pool-schema.json');

// Standard attributes the pools require at sign-up; custom attributes can never be required.
const standard = [
  { Name: 'email', AttributeDataType: 'String', Mutable: true, Required: true },
  { Name: 'name', AttributeDataType: 'String', Mutable: true, Required: false },
];

module.exports = {
  primarySchema: () => [...standard, ...customAttributes],
  backupSchema: () => [...standard, ...customAttributes, ...backupOnlyAttributes],
};
