import { describe, expect, it } from 'vitest';
import { FingerprintTable } from './observed-replication.js';

describe('FingerprintTable', () => {
  // Which instance comes back is not observable in JS (the heap is what it saves); what the
  // checkers rely on is that interning never changes a fingerprint's content.
  it('hands back a string equal to the one given, distinct contents kept apart', () => {
    const table = new FingerprintTable();
    const first = table.intern(['create /a', 'data=1B'].join(' '));
    expect(table.intern(`create /a ${'data=1B'}`)).toBe(first);
    expect(table.intern('create /b data=1B')).toBe('create /b data=1B');
    expect(table.intern('create /a data=2B')).not.toBe(first);
  });
});
