import { describe, expect, test } from 'vitest';
import { decodePeerMessage, encodePeerMessage } from '@zoo/server/internals';
import type { PeerMessage } from '@zoo/server/internals';
import { answerRevalidationAtOnce } from './planted-peer-bugs.js';

describe('answerRevalidationAtOnce (the peer half of staleResume)', () => {
  test('turns a revalidate into the "valid" answer a leader gives, back to the learner', () => {
    const asked: PeerMessage = {
      type: 'revalidate',
      sessionId: 0x29b76daa8010001n,
      timeoutMs: 4_000,
      connectionId: 17,
    };
    const planted = answerRevalidationAtOnce(2, 3, asked);
    expect(planted).toEqual({
      from: 3,
      to: 2,
      message: {
        type: 'revalidated',
        sessionId: 0x29b76daa8010001n,
        connectionId: 17,
        isValid: true,
      },
    });
    // The answer is one the real codec writes and reads back unchanged, as the mesh sends it.
    const message = planted?.message;
    if (message === undefined) throw new Error('no planted answer');
    expect(decodePeerMessage(encodePeerMessage(message))).toEqual(message);
  });

  test('lets every other message go as sent', () => {
    const ping: PeerMessage = { type: 'ping', zxid: 5n };
    expect(answerRevalidationAtOnce(2, 3, ping)).toBeNull();
  });
});
