// The shell's readers and printers on their own: words and quotes, ACL text, command flags
// (including zkCli's `-v -1`), Java's date format, and completion of command names.

import { describe, expect, test } from 'vitest';
import { Perms } from '@zoo/client';
import { parseCommandArgs, shellCommands } from './command-table.js';
import { complete } from './completion.js';
import { parseAcl } from './parse-acl.js';
import { ShellError } from './shell-command.js';
import { tokenize } from './tokenize.js';
import { javaDateText, permsText } from './zkcli-format.js';

describe('shell parsing', () => {
  test('words split on spaces; quotes keep spaces and are dropped', () => {
    expect(tokenize('  set  /a "two words"  ')).toEqual(['set', '/a', 'two words']);
    expect(tokenize(`create /b 'it is' x`)).toEqual(['create', '/b', 'it is', 'x']);
    expect(tokenize('set /a "unclosed quote')).toEqual(['set', '/a', 'unclosed quote']);
    expect(tokenize('   ')).toEqual([]);
  });

  test('an ACL is scheme:id:perms entries; a digest id keeps its colon', () => {
    expect(parseAcl('world:anyone:cdrwa,digest:bob:abc=:r')).toEqual([
      { perms: Perms.all, id: { scheme: 'world', id: 'anyone' } },
      { perms: Perms.read, id: { scheme: 'digest', id: 'bob:abc=' } },
    ]);
    expect(permsText(Perms.all)).toBe('cdrwa');
    expect(() => parseAcl('world:anyone')).toThrow('world:anyone does not have the form');
    expect(() => parseAcl('world:anyone:rx')).toThrow('Unknown perm type: x');
  });

  test('flags anywhere, -v takes a negative version, and a bad line answers the usage', () => {
    const set = shellCommands.get('set');
    const removeWatches = shellCommands.get('removewatches');
    if (set === undefined || removeWatches === undefined) throw new Error('commands missing');
    expect(parseCommandArgs(set, ['-v', '-1', '/a', 'x'])).toEqual({
      flags: { version: '-1' },
      operands: ['/a', 'x'],
    });
    expect(parseCommandArgs(removeWatches, ['/a', '-d', '-l']).flags).toEqual({
      data: true,
      local: true,
    });
    expect(() => parseCommandArgs(set, ['/a'])).toThrow(new ShellError(set.usage));
    expect(() => parseCommandArgs(set, ['-x', '/a', 'b'])).toThrow(new ShellError(set.usage));
  });

  test('times print as Java’s Date.toString, in the local time zone', () => {
    const zone = process.env['TZ'];
    // Node reads TZ again when it changes, as the JVM's default zone would be set.
    process.env['TZ'] = 'UTC';
    try {
      expect(javaDateText(BigInt(Date.UTC(2026, 11, 7, 3, 10, 11)))).toBe(
        'Mon Dec 07 03:10:11 UTC 2026',
      );
      process.env['TZ'] = 'Asia/Tokyo';
      expect(javaDateText(BigInt(Date.UTC(2026, 11, 7, 3, 10, 11)))).toBe(
        'Mon Dec 07 12:10:11 GMT+9 2026',
      );
    } finally {
      if (zone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = zone;
    }
  });

  test('Tab on the first word offers the commands that start with it', async () => {
    expect(await complete('getA', null)).toEqual([['getAcl', 'getAllChildrenNumber'], 'getA']);
    expect(await complete('  del', null)).toEqual([['delete', 'deleteall'], 'del']);
    // Paths need a connected client; without one nothing is offered.
    expect(await complete('ls /zoo', null)).toEqual([[], '/zoo']);
  });
});
