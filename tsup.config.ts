import { defineConfig } from 'tsup';

// One build for the library (ESM + CJS with declarations) and one for the CLI (ESM, with a shebang).
export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      'trace/index': 'src/trace/index.ts',
      'pprof/index': 'src/pprof/index.ts',
      'metrics/index': 'src/metrics/index.ts',
      'gosym/index': 'src/gosym/index.ts',
      'core/index': 'src/core/index.ts',
      'node/index': 'src/node/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    // Shared chunks keep one GodiagError class across subpaths, so instanceof works between them.
    splitting: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    target: 'es2022',
    platform: 'neutral',
    // Keep `node:` specifiers in godiag/node so bundlers and Deno see they are built-ins.
    removeNodeProtocol: false,
    tsconfig: 'tsconfig.build.json',
    external: ['node:fs', 'node:fs/promises', 'node:path', 'node:url', 'node:zlib'],
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    tsconfig: 'tsconfig.build.json',
    // The CLI imports the library by relative path; bundling it is fine (the CLI is not an API).
  },
]);
