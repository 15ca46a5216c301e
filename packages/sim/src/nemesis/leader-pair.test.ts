import { describe, expect, test } from 'vitest';
import { leaderPairGroups, memberOtherThan } from './leader-pair.js';

const five = { voters: [1, 2, 3, 4, 5], ids: [1, 2, 3, 4, 5] };

describe('leaderPairGroups', () => {
  test('puts the leader and the named follower against the other three', () => {
    expect(leaderPairGroups(3, 5, five)).toEqual([
      [3, 5],
      [1, 2, 4],
    ]);
    expect(leaderPairGroups(4, 1, five)).toEqual([
      [1, 4],
      [2, 3, 5],
    ]);
  });

  test('takes the next voter when the named one leads, wrapping past the last voter', () => {
    expect(leaderPairGroups(3, 3, five)).toEqual([
      [3, 4],
      [1, 2, 5],
    ]);
    // Observers (6, 7) are never the follower: they stay with the rest.
    const withObservers = { voters: [1, 2, 3, 4, 5], ids: [1, 2, 3, 4, 5, 6, 7] };
    expect(leaderPairGroups(5, 5, withObservers)).toEqual([
      [1, 5],
      [2, 3, 4, 6, 7],
    ]);
  });

  test('does nothing without a leader, or without a follower to take', () => {
    expect(leaderPairGroups(null, 2, five)).toBeNull();
    expect(leaderPairGroups(1, 1, { voters: [1], ids: [1, 2] })).toBeNull();
  });
});

describe('memberOtherThan', () => {
  test('answers the named member unless it is excluded, then the next one', () => {
    expect(memberOtherThan(2, 1, [1, 2, 3])).toBe(2);
    expect(memberOtherThan(2, null, [1, 2, 3])).toBe(2);
    expect(memberOtherThan(3, 3, [1, 2, 3])).toBe(1);
    expect(memberOtherThan(1, 1, [1])).toBeNull();
  });
});
