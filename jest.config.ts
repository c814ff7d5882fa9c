// Jest projects: one per package, the end-to-end suite that runs against the local two-region stack, the checks
// over both services' prod CloudFormation, packaged offline, and the tree's dependency rules.
import type { Config } from 'jest';

const transform: Config['transform'] = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  // Middy 6 ships ES modules only; Jest runs CommonJS, so its files are compiled like ours.
  '^.+/node_modules/@middy/.+\\.js$': [
    '@swc/jest',
    { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};

const unit = (displayName: string, root: string): Config => ({
  displayName,
  transform,
  testEnvironment: 'node',
  roots: [`<rootDir>/${root}`],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.esbuild/', '/.serverless/'],
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
});

const config: Config = {
  projects: [
    unit('shared', 'shared'),
    unit('capture', 'capture'),
    unit('apply', 'apply'),
    unit('failover', 'failover'),
    unit('reconcile', 'reconcile'),
    unit('adopt', 'adopt'),
    unit('mirror', 'mirror'),
    unit('primary', 'services/primary'),
    unit('replica', 'services/replica'),
    unit('local', 'local'),
    unit('cli', 'cli'),
    unit('templates', 'test/templates'),
    unit('structure', 'test/structure'),
    {
      ...unit('e2e', 'test'),
      testMatch: ['**/*.e2e.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/setup-e2e.ts'],
    },
  ],
};

export default config;
