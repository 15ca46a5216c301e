// The tools behind `zoo <command>` and how each is found: the server package's own CLIs sit
// beside this file (src/cli/*.ts from source, dist/cli/*.js when built); the simulator and the
// benchmark live elsewhere in the repository and run from its TypeScript sources only.

import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const toolNames = ['start', 'shell', 'status', 'data', 'sim', 'bench'] as const;
export type ToolName = (typeof toolNames)[number];

interface Tool {
  description: string;
  /** The tool's script, relative to this file's folder (src/cli or dist/cli). */
  path: string;
  /** In the repository's TypeScript sources only (not in the built @zoo/server package). */
  isRepositoryOnly: boolean;
}

/** `.ts` when running from source (under tsx), `.js` when running the built package. */
const ownExtension = extname(fileURLToPath(import.meta.url));
// From src/cli or dist/cli, four folders up is the repository root.
const repositoryRoot = '../../../../';

export const tools: Record<ToolName, Tool> = {
  start: {
    description: 'run a local Zoo ensemble, one server, or one member of a zoo.cfg ensemble',
    path: `./zoo-server${ownExtension}`,
    isRepositoryOnly: false,
  },
  shell: {
    description: 'an interactive ZooKeeper shell like zkCli (or -c commands, or stdin lines)',
    path: `./zoo-shell${ownExtension}`,
    isRepositoryOnly: false,
  },
  status: {
    description: 'report the state of a running server or ensemble',
    path: `./zoo-status${ownExtension}`,
    isRepositoryOnly: false,
  },
  data: {
    description: 'inspect a member’s data directory (list, log, snapshot, verify)',
    path: `./zoo-data${ownExtension}`,
    isRepositoryOnly: false,
  },
  sim: {
    description: 'run the deterministic simulator (from a clone of the repository only)',
    path: `${repositoryRoot}packages/sim/src/cli/sim-cli.ts`,
    isRepositoryOnly: true,
  },
  bench: {
    description: 'benchmark Zoo against Apache ZooKeeper (from a clone of the repository only)',
    path: `${repositoryRoot}bench/run.ts`,
    isRepositoryOnly: true,
  },
};

/** Where a tool's script is, or why it cannot run here. */
export function locateTool(name: ToolName): { file: string } | { missing: string } {
  const tool = tools[name];
  const file = fileURLToPath(new URL(tool.path, import.meta.url));
  if (tool.isRepositoryOnly && ownExtension !== '.ts') {
    return { missing: `zoo ${name} runs from the repository only: pnpm zoo ${name} in a clone` };
  }
  if (!existsSync(file)) return { missing: `zoo ${name} is not available: ${file} is missing` };
  return { file };
}

/**
 * Runs a tool as if it had been started on its own with `args`: every tool parses
 * process.argv when loaded, so the arguments go there and the tool's file is imported. The
 * tool sets process.exitCode (or exits) itself; a tool that cannot run here exits 2.
 */
export async function runTool(name: ToolName, args: readonly string[]): Promise<void> {
  const found = locateTool(name);
  if ('missing' in found) {
    process.stderr.write(`${found.missing}\n`);
    process.exitCode = 2;
    return;
  }
  process.argv = [process.argv[0] ?? process.execPath, found.file, ...args];
  await import(pathToFileURL(found.file).href);
}
