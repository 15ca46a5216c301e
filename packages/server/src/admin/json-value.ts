// JSON for the admin HTTP answers. Zxids and session ids are 64-bit: ZooKeeper's Jackson writes
// them as exact JSON numbers, which JSON.stringify cannot do with a bigint, so this writes them.

export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export type JsonObject = { readonly [key: string]: JsonValue };

/** Indented as ZooKeeper's admin server indents (Jackson INDENT_OUTPUT), bigints exact. */
export function encodeJson(value: JsonValue, indent = ''): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  const inner = `${indent}  `;
  if (isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((item) => `${inner}${encodeJson(item, inner)}`);
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const fields = entries.map(
    ([key, item]) => `${inner}${JSON.stringify(key)} : ${encodeJson(item, inner)}`,
  );
  return `{\n${fields.join(',\n')}\n${indent}}`;
}

function isArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}
