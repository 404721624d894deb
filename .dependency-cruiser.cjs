/**
 * The import direction of DESIGN.md "Source layout", held by a tool rather than by review:
 *
 *   decorators/ -> metadata.ts <- gateway/ -> websocket/
 *   redis/ -> gateway/adapter.ts        asyncapi/ -> metadata.ts, definition.ts
 *   client/, websocket/: nothing else of ours   testing/: public entries and client/
 *
 * `npm run lint` runs it (scripts/depcruise.mjs); test/unit/architecture.test.ts proves the
 * rules still fire on a fixture that breaks them.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const OUTSIDE = (folder) => `^src/(?!${folder})`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type-only ones included (tsPreCompilationDeps).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'src-not-to-outside',
      severity: 'error',
      comment: 'The package ships src/ only: it never imports tests, samples, bench or scripts.',
      from: { path: '^src/' },
      to: { path: '^(test|samples|bench|scripts)/' },
    },
    {
      name: 'errors-standalone',
      severity: 'error',
      comment: 'errors.ts is the bottom layer: every other layer reads its codes.',
      from: { path: '^src/errors\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'decorators-record-only',
      severity: 'error',
      comment: 'Decorators only record, through metadata.ts: decorators/ -> metadata.ts.',
      from: { path: '^src/decorators/' },
      to: {
        path: OUTSIDE(
          '(decorators/|metadata\\.ts$|definition\\.ts$|gateway-options\\.ts$|errors\\.ts$)',
        ),
      },
    },
    {
      name: 'metadata-below-runtime',
      severity: 'error',
      comment: 'metadata.ts is read by the runtime, never the other way: metadata.ts <- gateway/.',
      from: { path: '^src/metadata\\.ts$' },
      to: { path: OUTSIDE('(definition\\.ts$|errors\\.ts$)') },
    },
    {
      name: 'definition-types-only',
      severity: 'error',
      comment:
        'definition.ts names the runtime values an option or guard holds (Connection, Codec, ' +
        'Limits), as types only, and nothing else of ours.',
      from: { path: '^src/definition\\.ts$' },
      to: { path: OUTSIDE('(gateway-options\\.ts$|gateway/(connection|codec|limits)\\.ts$)') },
    },
    {
      name: 'gateway-options-table-only',
      severity: 'error',
      comment:
        'gateway-options.ts (the @Gateway options table) throws errors.ts codes and names ' +
        'the runtime types an option holds (Codec, Limits); nothing else of ours.',
      from: { path: '^src/gateway-options\\.ts$' },
      to: { path: OUTSIDE('(errors\\.ts$|gateway/(codec|limits)\\.ts$)') },
    },
    {
      name: 'definitions-no-runtime-values',
      severity: 'error',
      comment:
        'definition.ts and gateway-options.ts load no runtime code: their imports of ' +
        'gateway/ are type-only.',
      from: { path: '^src/(definition|gateway-options)\\.ts$' },
      to: { path: '^src/gateway/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'gateway-not-upward',
      severity: 'error',
      comment:
        'gateway/ builds on metadata.ts, definition.ts, errors.ts and websocket/; it never ' +
        'loads decorators, the separate entries (redis, testing, client) or the main entry. ' +
        "Only bootstrap.ts and asyncapi-route.ts (bootstrap's `asyncapi` option) may load asyncapi/.",
      from: { path: '^src/gateway/', pathNot: '^src/gateway/(bootstrap|asyncapi-route)\\.ts$' },
      to: {
        path: OUTSIDE(
          '(gateway/|websocket/|metadata\\.ts$|definition\\.ts$|gateway-options\\.ts$|errors\\.ts$)',
        ),
      },
    },
    {
      name: 'bootstrap-not-upward',
      severity: 'error',
      comment: 'bootstrap.ts and asyncapi-route.ts: as the rest of gateway/, plus asyncapi/.',
      from: { path: '^src/gateway/(bootstrap|asyncapi-route)\\.ts$' },
      to: {
        path: OUTSIDE(
          '(gateway/|websocket/|asyncapi/|metadata\\.ts$|definition\\.ts$|gateway-options\\.ts$|errors\\.ts$)',
        ),
      },
    },
    {
      name: 'websocket-standalone',
      severity: 'error',
      comment: 'websocket/ is a drop-in for @fastify/websocket: it imports nothing else of ours.',
      from: { path: '^src/websocket/' },
      to: { path: OUTSIDE('websocket/') },
    },
    {
      name: 'client-standalone',
      severity: 'error',
      comment: 'client/ runs in browsers: it imports nothing from src outside client/.',
      from: { path: '^src/client/' },
      to: { path: OUTSIDE('client/') },
    },
    {
      name: 'redis-adapter-contract-only',
      severity: 'error',
      comment:
        'redis/ implements the adapter contract: it may import gateway/adapter.ts (which ' +
        'imports nothing of ours) and errors.ts, nothing else of the gateway layer.',
      from: { path: '^src/redis/' },
      to: { path: OUTSIDE('(redis/|gateway/adapter\\.ts$|errors\\.ts$)') },
    },
    {
      name: 'asyncapi-reads-definitions',
      severity: 'error',
      comment:
        'asyncapi/ reads what the decorators recorded (metadata.ts, definition.ts) and the ' +
        'wire error codes (errors.ts); it never loads the runtime.',
      from: { path: '^src/asyncapi/' },
      to: {
        path: OUTSIDE(
          '(asyncapi/|metadata\\.ts$|definition\\.ts$|gateway-options\\.ts$|errors\\.ts$)',
        ),
      },
    },
    {
      name: 'testing-public-entries-only',
      severity: 'error',
      comment:
        'The test kit uses what users get: src/index.ts, src/websocket/index.ts and client/.',
      from: { path: '^src/testing/' },
      to: { path: OUTSIDE('(testing/|client/|index\\.ts$|websocket/index\\.ts$)') },
    },
    {
      name: 'reflect-in-metadata-only',
      severity: 'error',
      comment: 'Only metadata.ts touches Reflect (and so loads reflect-metadata).',
      from: { path: '^src/', pathNot: '^src/metadata\\.ts$' },
      to: { path: '(^|/)node_modules/reflect-metadata/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exportsFields: ['exports'],
    conditionNames: ['import', 'require', 'node', 'default', 'types'],
    mainFields: ['module', 'main', 'types', 'typings'],
  },
};
