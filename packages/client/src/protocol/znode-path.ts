// Znode path rules both sides share: ZooKeeper's PathUtils.validatePath (run on UTF-16 code units,
// as Java does) and the walk from a path up to the root that recursive watches use.

/**
 * Why `path` is not a valid znode path, or null when it is. ZooKeeper: PathUtils.validatePath —
 * absolute, no trailing '/', no empty, '.' or '..' component, no NUL, no control characters, no
 * surrogates or private use (\uD800–\uF8FF), no \uFFF0–\uFFFF. The client reports the reason.
 */
export function pathProblem(path: string, isSequential = false): string | null {
  // ZooKeeper: PathUtils.validatePath(path, isSequential) checks `path + "1"` for a sequential
  // create, so that "/queue/" (a name made only of the server's suffix) is allowed.
  const checked = isSequential ? `${path}1` : path;
  if (checked.length === 0) return 'path must not be empty';
  if (checked.charCodeAt(0) !== 0x2f) return 'path must start with /';
  if (checked.length === 1) return null;
  if (checked.charCodeAt(checked.length - 1) === 0x2f) return 'path must not end with /';
  let componentStart = 1;
  for (let i = 1; i <= checked.length; i++) {
    const unit = i < checked.length ? checked.charCodeAt(i) : 0x2f;
    if (unit === 0x2f) {
      const problem = componentProblem(checked, componentStart, i);
      if (problem !== null) return problem;
      componentStart = i + 1;
      continue;
    }
    if (isForbiddenUnit(unit)) {
      return `invalid character \\u${unit.toString(16).padStart(4, '0')} at index ${i}`;
    }
  }
  return null;
}

/** Whether `path` is a valid znode path: the server only needs the verdict (BadArguments). */
export function validatePath(path: string): boolean {
  return pathProblem(path) === null;
}

/** What is wrong with the component `path[start, end)`, indexed so valid paths allocate nothing. */
function componentProblem(path: string, start: number, end: number): string | null {
  const size = end - start;
  if (size === 0) return 'empty path component';
  const isFirstDot = path.charCodeAt(start) === 0x2e;
  if (isFirstDot && (size === 1 || (size === 2 && path.charCodeAt(start + 1) === 0x2e))) {
    return `relative component "${path.slice(start, end)}"`;
  }
  return null;
}

/** NUL, C0 and C1 controls, surrogates and the private-use area, and U+FFF0..U+FFFF. */
function isForbiddenUnit(unit: number): boolean {
  return (
    unit <= 0x1f ||
    (unit >= 0x7f && unit <= 0x9f) ||
    (unit >= 0xd800 && unit <= 0xf8ff) ||
    unit >= 0xfff0
  );
}

/** "/a/b" → "/a/b", "/a", "/". ZooKeeper: PathParentIterator.forAll. */
export function pathAndAncestors(path: string): string[] {
  const result = [path];
  let current = path;
  while (current.length > 1) {
    const slash = current.lastIndexOf('/');
    current = slash <= 0 ? '/' : current.slice(0, slash);
    result.push(current);
  }
  return result;
}
