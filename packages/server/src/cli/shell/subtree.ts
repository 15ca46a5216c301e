// A znode and all its descendants, parent before children and siblings sorted, as zkCli walks
// them for `ls -R`, `deleteall` and `setAcl -R` (ZooKeeper: ZKUtil.visitSubTreeDFS).

import type { ZooClient } from '@zoo/client';

export function childPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

export async function subtreePaths(client: ZooClient, path: string): Promise<string[]> {
  const paths = [path];
  const children = (await client.getChildren(path)).sort();
  for (const child of children) paths.push(...(await subtreePaths(client, childPath(path, child))));
  return paths;
}
