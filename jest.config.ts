/**
 * @jest-config-loader ts-node
 */
// Node 24 strips types natively but then resolves imports as ESM (extension required): the
// pragma makes Jest fall back to ts-node, as on Node 20 and 22.
import type { Config } from 'jest';
import { hasRedisServer } from './test/support/system';

// Without a local redis-server the Redis suite is skipped (with a notice), so the Redis
// adapter cannot be held to the coverage gate on that machine; CI always installs it.
const redis = hasRedisServer();

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/samples'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  moduleNameMapper: {
    // ESM-style `./x.js` imports of TypeScript files (samples/quick-start is written that way).
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^fastify-ws-gateway$': '<rootDir>/src/index.ts',
    '^fastify-ws-gateway/(.*)$': '<rootDir>/src/$1',
  },
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  collectCoverage: true,
  coverageProvider: 'v8',
  collectCoverageFrom: ['src/**/*.ts'],
  coveragePathIgnorePatterns: redis ? ['/node_modules/'] : ['/node_modules/', '/src/redis/'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: {
    global: {},
    './src/gateway/': { lines: 100, branches: 100 },
    './src/websocket/': { lines: 100, branches: 100 },
    './src/errors.ts': { lines: 100, branches: 100 },
    ...(redis ? { './src/redis/': { lines: 100, branches: 100 } } : {}),
  },
  testTimeout: 20000,
  maxWorkers: 2,
  // A worker reaches 'exit' at once, but freeing its (mostly garbage) heap can take over
  // Jest's default 500 ms on a busy machine; a leaked handle still never exits and is reported.
  workerGracefulExitTimeout: 2000,
};

export default config;
