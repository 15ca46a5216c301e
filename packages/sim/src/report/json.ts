// JSON for simulator reports that keeps bigints (zxids, session ids, fencing tokens): a bigint is
// written as the tagged string "0x1fn" (or "-0x1fn") and read back as a bigint. A real string that
// looks like a tag is escaped with a leading backslash, so every string round-trips too.

const bigintTag = /^-?0x[0-9a-f]+n$/;
/** A tag-shaped string behind one or more backslashes: an escaped real string. */
const escapedTag = /^\\+-?0x[0-9a-f]+n$/;

function bigintToTag(value: bigint): string {
  return value < 0n ? `-0x${(-value).toString(16)}n` : `0x${value.toString(16)}n`;
}

function tagToBigint(tag: string): bigint {
  const isNegative = tag.startsWith('-');
  const magnitude = BigInt(tag.slice(isNegative ? 1 : 0, -1));
  return isNegative ? -magnitude : magnitude;
}

/** JSON.stringify with bigints as tagged strings; `space` as JSON.stringify's. */
export function toJson(value: unknown, space?: number): string {
  const text = JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (typeof item === 'bigint') return bigintToTag(item);
      if (typeof item === 'string' && (bigintTag.test(item) || escapedTag.test(item))) {
        return `\\${item}`;
      }
      return item;
    },
    space,
  );
  // JSON.stringify answers undefined for undefined, functions and symbols: not JSON at all.
  if (text === undefined) throw new TypeError(`cannot write ${typeof value} as JSON`);
  return text;
}

/** JSON.parse that turns the tagged strings of `toJson` back into bigints. */
export function fromJson(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (typeof item !== 'string') return item;
    if (bigintTag.test(item)) return tagToBigint(item);
    if (escapedTag.test(item)) return item.slice(1);
    return item;
  });
}
