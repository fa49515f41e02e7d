/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type-checking is done once by `tsc --noEmit` (see `npm test`); here ts-jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // One real Kafka broker per run when the run includes a broker test (`*.broker.test.ts`): see test/support/broker-global.ts.
  globalSetup: '<rootDir>/test/support/broker-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/broker-global-teardown.ts',
  testTimeout: 120000,
};
