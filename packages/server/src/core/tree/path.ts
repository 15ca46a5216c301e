// Znode path helpers the server alone needs: the parent/name split every write and the tree use,
// and the nodes that may not be deleted. Path validation is shared with the client
// (@zoo/client/protocol).

/** The four nodes ZooKeeper refuses to delete (DataTree.isSpecialPath). */
export const specialPaths: ReadonlySet<string> = new Set([
  '/',
  '/zookeeper',
  '/zookeeper/quota',
  '/zookeeper/config',
]);

/**
 * The text before the last '/', with '' (a child of the root) mapped to '/'.
 * ZooKeeper keeps '' as an alias of the root; Zoo keys the root only as '/'.
 */
export function parentOf(path: string): string {
  const lastSlash = path.lastIndexOf('/');
  return lastSlash <= 0 ? '/' : path.slice(0, lastSlash);
}

/** The text after the last '/'. */
export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `path` plus `/name`, without doubling the root's slash. */
export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** Whether `path` is a child of `parent` ('' has none), told without slicing a string. */
export function isChildOf(path: string, parent: string): boolean {
  const slash = path.lastIndexOf('/');
  if (parent === '/') return slash === 0 && path.length > 1;
  return slash > 0 && slash === parent.length && path.startsWith(parent);
}
