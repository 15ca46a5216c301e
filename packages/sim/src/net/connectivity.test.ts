import { describe, expect, test } from 'vitest';
import { SeededRandom } from '@zoo/server/internals';
import { Connectivity } from './connectivity.js';

const ids = [1, 2, 3, 4, 5];

function reachable(connectivity: Connectivity): string[] {
  const pairs: string[] = [];
  for (const a of ids) {
    for (const b of ids) if (a !== b && !connectivity.blocks(a, b)) pairs.push(`${a}>${b}`);
  }
  return pairs;
}

describe('Connectivity', () => {
  test('a partition cuts every pair across groups, both ways, and heal restores all', () => {
    const connectivity = new Connectivity(ids);
    connectivity.partition([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(reachable(connectivity)).toEqual([
      '1>2',
      '2>1',
      '3>4',
      '3>5',
      '4>3',
      '4>5',
      '5>3',
      '5>4',
    ]);
    expect(connectivity.isPartitioned(1)).toBe(true);
    connectivity.heal();
    expect(reachable(connectivity)).toHaveLength(20);
    expect(connectivity.describe()).toBe('connected');
  });

  test('isolate leaves one server alone; oneWay cuts one direction only', () => {
    const connectivity = new Connectivity(ids);
    connectivity.isolate(3);
    expect(reachable(connectivity).filter((pair) => pair.includes('3'))).toEqual([]);
    connectivity.heal();
    connectivity.oneWay(1, 2);
    expect(connectivity.blocks(1, 2)).toBe(true);
    expect(connectivity.blocks(2, 1)).toBe(false);
  });

  test('a ring of five lets each server reach only its two neighbours', () => {
    const connectivity = new Connectivity(ids);
    connectivity.ring();
    expect(reachable(connectivity).filter((pair) => pair.startsWith('1>'))).toEqual(['1>2', '1>5']);
    expect(reachable(connectivity).filter((pair) => pair.startsWith('3>'))).toEqual(['3>2', '3>4']);
  });

  test('a bridge joins two halves only through the middle server', () => {
    const connectivity = new Connectivity(ids);
    connectivity.bridge();
    expect(connectivity.blocks(1, 4)).toBe(true);
    expect(connectivity.blocks(5, 2)).toBe(true);
    expect(connectivity.blocks(1, 3)).toBe(false);
    expect(connectivity.blocks(3, 5)).toBe(false);
    expect(connectivity.blocks(1, 2)).toBe(false);
  });

  test('clients are cut from chosen servers both ways until heal', () => {
    const connectivity = new Connectivity(ids);
    connectivity.cutClients([2], [1, 3]);
    expect(connectivity.cutsClient('c2', 's1')).toBe(true);
    expect(connectivity.cutsClient('c2', 's2')).toBe(false);
    expect(connectivity.cutsClient('c1', 's1')).toBe(false);
    expect(connectivity.describe()).toBe('c2|s1 c2|s3');
    connectivity.heal();
    expect(connectivity.cutsClient('c2', 's1')).toBe(false);
  });

  test('a slowed endpoint adds its latency to every packet it sends or receives', () => {
    const connectivity = new Connectivity(ids);
    const quiet = connectivity.latencyMs('s1', 'c1', new SeededRandom(1));
    connectivity.slow('s1', 250);
    expect(connectivity.latencyMs('s1', 'c1', new SeededRandom(1))).toBeCloseTo(quiet + 250);
    expect(connectivity.latencyMs('c1', 's1', new SeededRandom(1))).toBeCloseTo(quiet + 250);
    connectivity.slow('s1', 0);
    expect(connectivity.latencyMs('s1', 'c1', new SeededRandom(1))).toBeCloseTo(quiet);
  });
});
