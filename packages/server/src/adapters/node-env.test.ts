import { afterEach, describe, expect, test, vi } from 'vitest';
import { consoleLogger } from './node-env.js';

/** Everything the logger writes to stderr while `run` runs. */
function stderrOf(run: () => void): string[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe('consoleLogger', () => {
  test('json: one object a line with time, level, member, msg and fields', () => {
    const log = consoleLogger({ level: 'info', name: 'zoo-2', format: 'json' });
    const lines = stderrOf(() => {
      log.info('leader elected', { leader: 3, epoch: 2, zxid: 0x200000000n });
      log.warn('no fields');
    });
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(
      true,
    );
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'info',
      member: 'zoo-2',
      msg: 'leader elected',
      fields: { leader: 3, epoch: 2, zxid: '8589934592' },
    });
    expect(second).toMatchObject({ level: 'warn', member: 'zoo-2', msg: 'no fields' });
    expect(second).not.toHaveProperty('fields');
  });

  test('text stays the default: time, LEVEL, [member], message, then key=value fields', () => {
    const log = consoleLogger({ level: 'debug', name: 'zoo' });
    const [line] = stderrOf(() => log.debug('synced', { kind: 'DIFF', txns: 4 }));
    expect(line).toMatch(/^\S+Z DEBUG \[zoo\] synced kind=DIFF txns=4\n$/);
  });

  test('drops lines below the level, in either format', () => {
    for (const format of ['text', 'json'] as const) {
      const log = consoleLogger({ level: 'warn', name: 'zoo', format });
      expect(stderrOf(() => log.info('quiet'))).toEqual([]);
      expect(stderrOf(() => log.error('loud'))).toHaveLength(1);
    }
  });
});
