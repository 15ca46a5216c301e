// Tab completion for the interactive shell: the first word completes to a command name, a word
// starting with `/` to the children of the znode it names so far (asked of the server).

import type { ZooClient } from '@zoo/client';
import { shellCommands } from './command-table.js';
import { childPath } from './subtree.js';

/** How long completion waits for the server before offering nothing. */
const childrenWaitMs = 1_000;

/** Readline's completion answer: the candidates, and the text they would replace. */
export type Completion = [string[], string];

async function childrenOrNone(client: ZooClient, path: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), childrenWaitMs);
  });
  try {
    return await Promise.race([client.getChildren(path).catch(() => []), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Candidates for the last word of `line` (the text before the cursor). */
export async function complete(line: string, client: ZooClient | null): Promise<Completion> {
  const word = /\S*$/.exec(line)?.[0] ?? '';
  const isFirstWord = line.trimStart().length === word.length;
  if (isFirstWord) {
    const names = [...shellCommands.keys()].filter((name) => name.startsWith(word));
    return [names, word];
  }
  const isConnected = client?.state === 'connected' || client?.state === 'connectedReadOnly';
  if (!word.startsWith('/') || client === null || !isConnected) return [[], word];
  const slash = word.lastIndexOf('/');
  const parent = slash === 0 ? '/' : word.slice(0, slash);
  const prefix = word.slice(slash + 1);
  const children = await childrenOrNone(client, parent);
  const matches = children.filter((child) => child.startsWith(prefix)).sort();
  return [matches.map((child) => childPath(parent, child)), word];
}
