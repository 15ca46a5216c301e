// Client-side znode path validation, so that a bad path fails fast with BadArguments instead of
// costing a round trip. ZooKeeper: PathUtils.validatePath — the rules of wire sheet §9.1.

/** Why `path` is not a valid znode path, or null when it is. */
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
      const problem = componentProblem(checked.slice(componentStart, i));
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

function componentProblem(component: string): string | null {
  if (component.length === 0) return 'empty path component';
  if (component === '.' || component === '..') return `relative component "${component}"`;
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
