// FifoQueue against an array model.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FifoQueue } from './fifo-queue.js';

describe('FifoQueue', () => {
  test('behaves as an array with push and shift, across compactions', () => {
    const op = fc.oneof(
      fc.integer().map((n) => ({ push: n })),
      fc.constant({ shift: true }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const queue = new FifoQueue<number>();
        const model: number[] = [];
        for (const o of ops) {
          if ('push' in o) {
            queue.push(o.push);
            model.push(o.push);
          } else {
            expect(queue.shift()).toBe(model.shift());
          }
          expect(queue.length).toBe(model.length);
          expect(queue.peek()).toBe(model[0]);
        }
        expect([...queue]).toEqual(model);
        expect(queue.drain()).toEqual(model);
        expect(queue.length).toBe(0);
      }),
      { numRuns: 50 },
    );
  });
});
