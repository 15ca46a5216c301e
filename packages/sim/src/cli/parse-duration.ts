// Reads the simulator's `--duration` values: a number with a unit (`1500ms`, `60s`, `2m`, `1h`),
// or several in a row (`1m30s`), into whole milliseconds of virtual time.

const msPerUnit: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** `'60s'` → 60000. Throws a RangeError naming the text when it is not a duration. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const fail = (why: string): never => {
    throw new RangeError(`not a duration: '${text}' (${why}; e.g. 1500ms, 60s, 2m, 1h)`);
  };
  if (trimmed === '') fail('empty');
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) fail('a unit is required');
  let total = 0;
  part.lastIndex = 0;
  while (part.lastIndex < trimmed.length) {
    const at = part.lastIndex;
    const match = part.exec(trimmed);
    if (match === null) return fail(`unexpected '${trimmed.slice(at)}'`);
    const [, amount = '', unit = ''] = match;
    const factor = msPerUnit[unit];
    if (factor === undefined) return fail(`unknown unit '${unit}'`);
    total += Number(amount) * factor;
  }
  // Floating point: 0.1h is 360000.00000000006 ms. Round what is a whole ms up to float noise.
  const rounded = Math.round(total);
  if (Math.abs(total - rounded) > 1e-6) fail('not a whole number of milliseconds');
  if (!Number.isSafeInteger(rounded)) fail('too long');
  return rounded;
}
