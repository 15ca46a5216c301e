// Znode path rules: ZooKeeper's PathUtils.validatePath (run on UTF-16 code units, as Java does)
// and the parent/name split every write and the tree use.

/** The four nodes ZooKeeper refuses to delete (DataTree.isSpecialPath). */
export const specialPaths: ReadonlySet<string> = new Set([
  '/',
  '/zookeeper',
  '/zookeeper/quota',
  '/zookeeper/config',
]);

/**
 * ZooKeeper: PathUtils.validatePath — absolute, no trailing '/', no empty, '.' or '..' component,
 * no NUL, no control characters, no surrogates or private use (\uD800–\uF8FF), no \uFFF0–\uFFFF.
 */
export function validatePath(path: string): boolean {
  const length = path.length;
  if (length === 0 || path.charCodeAt(0) !== 0x2f) return false;
  if (length === 1) return true;
  if (path.charCodeAt(length - 1) === 0x2f) return false;
  let componentStart = 1;
  for (let i = 1; i < length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x2f) {
      if (!isValidComponent(path, componentStart, i)) return false;
      componentStart = i + 1;
    } else if (isInvalidChar(c)) {
      return false;
    }
  }
  return isValidComponent(path, componentStart, length);
}

function isValidComponent(path: string, start: number, end: number): boolean {
  const size = end - start;
  if (size === 0) return false;
  if (size === 1 && path.charCodeAt(start) === 0x2e) return false;
  if (size === 2 && path.charCodeAt(start) === 0x2e && path.charCodeAt(start + 1) === 0x2e) {
    return false;
  }
  return true;
}

function isInvalidChar(c: number): boolean {
  return (
    c === 0 ||
    (c >= 0x01 && c <= 0x1f) ||
    (c >= 0x7f && c <= 0x9f) ||
    (c >= 0xd800 && c <= 0xf8ff) ||
    c >= 0xfff0
  );
}

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
