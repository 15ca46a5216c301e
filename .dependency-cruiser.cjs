// The design's import rules, checked by dependency-cruiser: no cycles, the deterministic cores
// import no I/O, msgpackr and ws stay in the server's adapters, and no package reaches into
// another's src/. test/dependencies.test.ts runs these rules inside `pnpm test`.
// dependency-cruiser stays on 17.x: 18 needs Node 22, and Zoo supports Node 20.

/**
 * msgpackr or ws as resolved: the package (pnpm nests it under .pnpm, hence `/`), its @types when
 * only the types resolve, or the bare name when it does not resolve at all from that package.
 */
const wireLibraries = '(^|/)node_modules/(@types/)?(msgpackr|ws)/|^(msgpackr|ws)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle ties modules into one unit that can only be understood, tested and changed ' +
        'together. Type-only imports count (tsPreCompilationDeps), because they tie the types ' +
        'together just the same. test/dependencies.test.ts lists the cycles still to remove.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'server-core-not-to-runtime-or-adapters',
      severity: 'error',
      comment:
        'The server core is the deterministic peer the simulator drives unchanged; the loop ' +
        '(runtime/) and the I/O (adapters/) depend on it, never the other way round.',
      from: { path: '^packages/server/src/core/' },
      to: { path: '^packages/server/src/(runtime|adapters)/' },
    },
    {
      name: 'server-core-no-node-builtins',
      severity: 'error',
      comment:
        'The server core does no I/O and reads no clock: any node: module (net, fs, crypto, ' +
        'timers, process, even buffer) would let the outside world in.',
      from: { path: '^packages/server/src/core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'client-core-no-node-builtins',
      severity: 'error',
      comment:
        'The wire codec and the session state machine are deterministic and import no node ' +
        'module; they use Buffer as the global, as today, so node:buffer is not allowed either. ' +
        'Their unit tests run only on Node and may use builtins (nzc-interop uses node:module).',
      from: {
        path: '^packages/client/src/(protocol|core)/',
        pathNot: '\\.test\\.ts$',
      },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'client-core-not-to-api-or-adapters',
      severity: 'error',
      comment:
        'The promise API and the TCP adapter drive the client core and the codec, never the ' +
        'other way round.',
      from: { path: '^packages/client/src/(protocol|core)/' },
      to: { path: '^packages/client/src/(api|adapters)/' },
    },
    {
      name: 'wire-libraries-only-in-server-adapters',
      severity: 'error',
      comment:
        'msgpackr and ws are the peer links: only packages/server/src/adapters/ may import ' +
        'them (DESIGN §4.12), so the rest of Zoo never depends on how peers talk.',
      from: { pathNot: '^packages/server/src/adapters/' },
      to: { path: wireLibraries },
    },
    {
      name: 'no-relative-import-of-another-package',
      severity: 'error',
      comment:
        'A package uses another only through its package name and exports (DESIGN §4.7); a ' +
        'relative path into its src/ would skip the public surface.',
      from: { path: '^packages/([^/]+)/' },
      to: {
        dependencyTypes: ['local'],
        path: '^packages/[^/]+/',
        pathNot: '^packages/$1/',
      },
    },
    {
      name: 'no-relative-import-of-package-src-from-test-or-bench',
      severity: 'error',
      comment: 'test/ and bench/ use the packages as users do, through @zoo/* and their subpaths.',
      from: { path: '^(test|bench)/' },
      to: { dependencyTypes: ['local'], path: '^packages/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    // See `import type` too: a type-only import is still a dependency between modules.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve @zoo/* to the TypeScript sources, as tsx and vitest do, so a clean clone works
    // without `pnpm build`.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['zoo-source', 'import', 'types', 'default'],
      mainFields: ['module', 'main', 'types'],
    },
    skipAnalysisNotInRules: true,
  },
};
