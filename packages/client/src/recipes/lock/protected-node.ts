// Names of contender nodes and their order. A contender's node is created "protected": its name
// starts with a GUID, so that after a create whose reply was lost the client can find its node
// by listing the children (ZooKeeper recipes: "Recoverable Errors and the GUID"; Curator names
// them `_c_<uuid>-<name>` the same way). Order comes from the sequence suffix, compared so that
// it stays right when the parent's cversion, which the suffix is made of, wraps past 2^31.

/** A child of a recipe's directory, parsed. */
export interface Contender {
  /** The child's name (not a path). */
  name: string;
  /** The kind of node, e.g. `lock-`, `read-`, `write-`: the part just before the sequence. */
  prefix: string;
  /** The GUID of the protected name, or null for a name without one. */
  guid: string | null;
  /** The sequential suffix as the signed 32-bit number ZooKeeper formatted with %010d. */
  sequence: number;
}

const protectedMark = '_c_';
const guidLength = 36;

/** A random GUID in the 8-4-4-4-12 form of a UUID (version 4), from the given randomness. */
export function randomGuid(random: () => number): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i += 1) hex.push(Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + (parseInt(hex[16] ?? '0', 16) % 4)).toString(16);
  const text = hex.join('');
  const parts = [
    [0, 8],
    [8, 12],
    [12, 16],
    [16, 20],
    [20, 32],
  ] as const;
  return parts.map(([from, to]) => text.slice(from, to)).join('-');
}

/** The name to create (the server appends the sequence): `_c_<guid>-<prefix>`. */
export function protectedName(guid: string, prefix: string): string {
  return `${protectedMark}${guid}-${prefix}`;
}

/** True when the child was created with this GUID. */
export function hasGuid(name: string, guid: string): boolean {
  return name.startsWith(`${protectedMark}${guid}-`);
}

/**
 * Parses a child whose name ends in one of the prefixes and a sequence, or null for any other
 * child. A wrapped suffix is negative (`lock--2147483648`), hence the last prefix occurrence.
 */
export function parseContender(name: string, prefixes: readonly string[]): Contender | null {
  for (const prefix of prefixes) {
    const at = name.lastIndexOf(prefix);
    if (at < 0) continue;
    const suffix = name.slice(at + prefix.length);
    if (!/^-?\d{1,10}$/.test(suffix)) continue;
    const head = name.slice(0, at);
    const isProtected = head.startsWith(protectedMark) && head.length === 3 + guidLength + 1;
    const guid = isProtected ? head.slice(protectedMark.length, -1) : null;
    return { name, prefix, guid, sequence: Number(suffix) };
  }
  return null;
}

/**
 * Orders two sequences as serial numbers (RFC 1982): a wrapped, negative suffix comes after the
 * largest positive one. Right as long as the live contenders span less than 2^31 creates.
 */
export function compareSequences(a: number, b: number): number {
  return (a - b) | 0;
}

/** The contenders among `children`, first in line first. */
export function sortContenders(
  children: readonly string[],
  prefixes: readonly string[],
): Contender[] {
  const contenders: Contender[] = [];
  for (const name of children) {
    const contender = parseContender(name, prefixes);
    if (contender !== null) contenders.push(contender);
  }
  return contenders.sort((a, b) => compareSequences(a.sequence, b.sequence));
}
