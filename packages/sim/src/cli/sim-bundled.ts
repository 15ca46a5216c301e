// `pnpm sim`: bundles the simulator's CLI and its worker from the TypeScript sources (esbuild,
// the one tsx itself runs on: well under a second) into a folder of its own under
// packages/sim/dist/bundle/, runs the CLI there on plain node with the same arguments, and
// removes the folder (so two sweeps at once never share one). Why not tsx itself: under tsx
// every function is wrapped by a `__name` call and source maps are on, and each worker thread
// registers tsx again and loads every module through its own loader thread. The bundle is the
// same code, built fresh at every run from the sources, so a sweep never tests stale code
// (issue #16).

import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

interface ResolveArgs {
  path: string;
  importer: string;
  resolveDir: string;
  kind: string;
  pluginData?: unknown;
}

interface PluginBuild {
  onResolve(
    filter: { filter: RegExp },
    resolve: (args: ResolveArgs) => Promise<{ path: string; external: boolean } | undefined>,
  ): void;
  resolve(
    path: string,
    options: { resolveDir: string; kind: string; importer: string; pluginData: unknown },
  ): Promise<{ path: string; errors: unknown[] }>;
}

const skipPlugin = Symbol('resolved by esbuild');

/**
 * Packages from node_modules stay outside the bundle, imported by absolute path from where the
 * sources resolve them, so they load exactly as under tsx (msgpackr with its native extension,
 * @node-rs/crc32's binary); only the workspace's own sources are bundled.
 */
const externalPackages = {
  name: 'external-packages',
  setup(build: PluginBuild): void {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === skipPlugin || args.path.startsWith('@zoo/')) return undefined;
      if (args.path.startsWith('node:')) return undefined;
      const { resolveDir, kind, importer } = args;
      const found = await build.resolve(args.path, {
        resolveDir,
        kind,
        importer,
        pluginData: skipPlugin,
      });
      if (found.errors.length > 0 || !found.path.startsWith('/')) return undefined;
      return { path: found.path, external: true };
    });
  },
};

/** Builds sim-cli.js and sim-worker.js (what run-pool starts next to the CLI). */
export async function bundleSimulator(bundleDir: string): Promise<string> {
  const esbuild = tsxEsbuild();
  const sources = fileURLToPath(new URL('.', import.meta.url));
  await esbuild.build({
    entryPoints: [`${sources}sim-cli.ts`, `${sources}sim-worker.ts`],
    outdir: bundleDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['zoo-source'],
    plugins: [externalPackages],
    // A crash violation's stack then names the sources, as under tsx, not the bundle's lines.
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'warning',
  });
  return `${bundleDir}sim-cli.js`;
}

function tsxEsbuild(): Esbuild {
  const fromTsx = createRequire(fileURLToPath(import.meta.resolve('tsx')));
  return fromTsx('esbuild') as Esbuild;
}

/**
 * The young generation `pnpm sim` has always had (see run-pool.ts for why), and stacks mapped to
 * the sources (only formatted when a stack is read: a crash violation, a failure).
 */
const nodeFlags = ['--max-semi-space-size=64', '--enable-source-maps'];

async function main(args: readonly string[]): Promise<number> {
  const bundleDir = fileURLToPath(new URL(`../../dist/bundle/${process.pid}/`, import.meta.url));
  try {
    const cli = await bundleSimulator(bundleDir);
    const child = spawn(process.execPath, [...nodeFlags, cli, ...args], { stdio: 'inherit' });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => child.kill(signal));
    }
    return await new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        resolve(code ?? 128 + (signal === null ? 1 : constants.signals[signal]));
      });
    });
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2));
