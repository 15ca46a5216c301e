// Strings as Java's Jute writes and reads them. BinaryOutputArchive encodes each UTF-16 unit on
// its own, so a non-BMP character (a surrogate pair) goes out as two 3-byte sequences (CESU-8),
// and BinaryInputArchive decodes with `new String(bytes, UTF_8)`, whose replacement rules for
// invalid input (one U+FFFD per maximal bad subsequence, as the JDK counts it) differ from
// WHATWG's. Valid UTF-8 without surrogates reads and writes the same both ways, so the callers
// use Node's codec and come here only when a string holds a surrogate or bytes fail to decode.

const replacement = 0xfffd;

const isContinuation = (b: number): boolean => (b & 0xc0) === 0x80;

/** Writes `s` at `offset` as Java does; `target` must hold 3 bytes per UTF-16 unit. */
export function writeJavaUtf8(target: Buffer, offset: number, s: string): number {
  let at = offset;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 0x80) {
      target[at++] = unit;
    } else if (unit < 0x800) {
      target[at++] = 0xc0 | (unit >> 6);
      target[at++] = 0x80 | (unit & 0x3f);
    } else {
      target[at++] = 0xe0 | (unit >> 12);
      target[at++] = 0x80 | ((unit >> 6) & 0x3f);
      target[at++] = 0x80 | (unit & 0x3f);
    }
  }
  return at - offset;
}

/** Whether a string holds a surrogate, the only case where Java's bytes differ from UTF-8. */
export function hasSurrogate(s: string): boolean {
  return /[\ud800-\udfff]/.test(s);
}

/** JDK: a 3-byte lead E0 needs A0..BF next; anything else needs a continuation byte. */
function isBadSecondOf3(b1: number, b2: number): boolean {
  return (b1 === 0xe0 && (b2 & 0xe0) === 0x80) || !isContinuation(b2);
}

/** JDK: F0 needs 90..BF next, F4 needs 80..8F, the others a continuation byte. */
function isBadSecondOf4(b1: number, b2: number): boolean {
  return (
    (b1 === 0xf0 && (b2 < 0x90 || b2 > 0xbf)) ||
    (b1 === 0xf4 && (b2 & 0xf0) !== 0x80) ||
    !isContinuation(b2)
  );
}

/** Decodes `bytes[start, end)` exactly as JDK 17's `new String(bytes, UTF_8)`. */
export function decodeJavaUtf8(bytes: Buffer, start: number, end: number): string {
  const units: number[] = [];
  let at = start;
  while (at < end) {
    const b1 = bytes[at++] as number;
    if (b1 < 0x80) {
      units.push(b1);
    } else if (b1 >= 0xc2 && b1 <= 0xdf) {
      at = decode2(bytes, at, end, b1, units);
      if (at < 0) break;
    } else if (b1 >= 0xe0 && b1 <= 0xef) {
      at = decode3(bytes, at, end, b1, units);
      if (at < 0) break;
    } else if (b1 >= 0xf0 && b1 <= 0xf7) {
      at = decode4(bytes, at, end, b1, units);
      if (at < 0) break;
    } else {
      units.push(replacement);
    }
  }
  return unitsToString(units);
}

/** Each decodeN returns where decoding goes on, or −1 when the input ended inside a sequence. */
function decode2(bytes: Buffer, at: number, end: number, b1: number, units: number[]): number {
  if (at >= end) {
    units.push(replacement);
    return -1;
  }
  const b2 = bytes[at] as number;
  if (!isContinuation(b2)) {
    units.push(replacement);
    return at;
  }
  units.push(((b1 & 0x1f) << 6) | (b2 & 0x3f));
  return at + 1;
}

function decode3(bytes: Buffer, at: number, end: number, b1: number, units: number[]): number {
  if (at + 1 < end) {
    const b2 = bytes[at] as number;
    const b3 = bytes[at + 1] as number;
    if (isBadSecondOf3(b1, b2) || !isContinuation(b3)) {
      units.push(replacement);
      return isBadSecondOf3(b1, b2) ? at : at + 1;
    }
    const unit = ((b1 & 0x0f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
    units.push(unit >= 0xd800 && unit <= 0xdfff ? replacement : unit);
    return at + 2;
  }
  units.push(replacement);
  if (at < end && isBadSecondOf3(b1, bytes[at] as number)) return at;
  return -1;
}

function decode4(bytes: Buffer, at: number, end: number, b1: number, units: number[]): number {
  if (at + 2 < end) {
    const b2 = bytes[at] as number;
    const b3 = bytes[at + 1] as number;
    const b4 = bytes[at + 2] as number;
    const codePoint = ((b1 & 0x07) << 18) | ((b2 & 0x3f) << 12) | ((b3 & 0x3f) << 6) | (b4 & 0x3f);
    const isMalformed = !isContinuation(b2) || !isContinuation(b3) || !isContinuation(b4);
    if (isMalformed || codePoint < 0x10000 || codePoint > 0x10ffff) {
      units.push(replacement);
      if (b1 > 0xf4 || isBadSecondOf4(b1, b2)) return at;
      return isContinuation(b3) ? at + 2 : at + 1;
    }
    const offset = codePoint - 0x10000;
    units.push(0xd800 | (offset >> 10), 0xdc00 | (offset & 0x3ff));
    return at + 3;
  }
  units.push(replacement);
  if (b1 > 0xf4 || (at < end && isBadSecondOf4(b1, bytes[at] as number))) return at;
  if (at + 1 < end && !isContinuation(bytes[at + 1] as number)) return at + 1;
  return -1;
}

/**
 * Decodes what writeJavaUtf8 wrote back to the same UTF-16 units, surrogates included; other
 * invalid bytes decode as Java decodes them.
 */
export function decodeKeepingSurrogates(bytes: Buffer, start: number, end: number): string {
  let text = '';
  let segment = start;
  for (let at = start; at + 2 < end; at++) {
    const isSurrogate =
      bytes[at] === 0xed &&
      ((bytes[at + 1] as number) & 0xe0) === 0xa0 &&
      isContinuation(bytes[at + 2] as number);
    if (!isSurrogate) continue;
    text += decodeJavaUtf8(bytes, segment, at);
    text += String.fromCharCode(
      0xd000 | (((bytes[at + 1] as number) & 0x3f) << 6) | ((bytes[at + 2] as number) & 0x3f),
    );
    at += 2;
    segment = at + 1;
  }
  return text + decodeJavaUtf8(bytes, segment, end);
}

function unitsToString(units: readonly number[]): string {
  let text = '';
  for (let i = 0; i < units.length; i += 4096) {
    text += String.fromCharCode(...units.slice(i, i + 4096));
  }
  return text;
}
