// Reads the JSON-lines reports the Java fixtures print (one object per line, each with a
// "check" name) into a map by check name; other lines (JVM or logging noise) are ignored.

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses text that must hold one JSON object (e.g. the last line a fixture printed). */
export function parseJsonObject(text: string, what: string): JsonObject {
  const parsed: unknown = JSON.parse(text);
  if (!isJsonObject(parsed)) throw new Error(`${what} is not a JSON object: ${text}`);
  return parsed;
}

export function parseJsonLines(text: string): Map<string, JsonObject> {
  const checks = new Map<string, JsonObject>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    const parsed: unknown = JSON.parse(line);
    if (isJsonObject(parsed) && typeof parsed['check'] === 'string') {
      checks.set(parsed['check'], parsed);
    }
  }
  return checks;
}

/** The report of one check without its "check" key; fails clearly if it is missing. */
export function reportOf(checks: ReadonlyMap<string, JsonObject>, name: string): JsonObject {
  const found = checks.get(name);
  if (found === undefined) {
    throw new Error(`no report for check '${name}' (got: ${[...checks.keys()].join(', ')})`);
  }
  const { check: _check, ...rest } = found;
  return rest;
}
