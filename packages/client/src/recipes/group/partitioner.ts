// Which member owns a key, by rendezvous (highest-random-weight) hashing: each member scores the
// key with a hash of (member, key) and the highest score owns it. Every client that sees the
// same members assigns every key alike, with no table to share; when a member joins it takes
// only the keys it now scores highest on, about 1/N of them (the ideal), and when one leaves only
// its own keys move. The hash (hash32) has no randomness, so all processes agree, and is well
// spread so that shares stay even; equal scores go to the smaller member name.

/**
 * A stable 32-bit hash of `text`: FNV-1a over its UTF-16 code units, then murmur3's finaliser
 * for spread. 32-bit integer math only (Math.imul), so it is fast and the same in every process.
 */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** The member that owns `key` among `members`, or null when there are none. */
export function ownerOf(key: string, members: readonly string[]): string | null {
  let owner: string | null = null;
  let best = -1;
  for (const member of members) {
    // The separator keeps ("a", "bc") and ("ab", "c") apart.
    const score = hash32(`${member}\u0000${key}`);
    if (score > best || (score === best && owner !== null && member < owner)) {
      best = score;
      owner = member;
    }
  }
  return owner;
}

/** The share of `keys` whose owner differs between two memberships (for reports and tests). */
export function movedShare(
  keys: readonly string[],
  before: readonly string[],
  after: readonly string[],
): number {
  if (keys.length === 0) return 0;
  const moved = keys.filter((key) => ownerOf(key, before) !== ownerOf(key, after)).length;
  return moved / keys.length;
}
