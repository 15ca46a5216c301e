import { describe, expect, test } from 'vitest';
import { World } from '../world/world.js';
import { SimProcess } from './sim-process.js';

describe('SimProcess', () => {
  test('runs what came during overlapping pauses in the order it came, once awake', async () => {
    // Found by a soak: a second pause extending the first let later peer messages overtake
    // earlier ones, and a learner appended proposals out of order.
    const world = new World({ seed: 1 });
    const process = new SimProcess('s1', world);
    const incarnation = process.boot();
    const ran: string[] = [];
    process.pause(100);
    world.at(10, () => process.run(incarnation, () => ran.push(`a@${world.nowMs}`)));
    world.at(50, () => process.pause(200));
    world.at(60, () => process.run(incarnation, () => ran.push(`b@${world.nowMs}`)));
    world.at(300, () => process.run(incarnation, () => ran.push(`c@${world.nowMs}`)));
    await world.runUntil(1_000);
    expect(ran).toEqual(['a@250', 'b@250', 'c@300']);
  });

  test('drops what a crash interrupted', async () => {
    const world = new World({ seed: 1 });
    const process = new SimProcess('s1', world);
    const incarnation = process.boot();
    const ran: string[] = [];
    process.pause(100);
    process.run(incarnation, () => ran.push('old'));
    world.at(50, () => process.crash());
    world.at(60, () => process.run(process.boot(), () => ran.push('new')));
    await world.runUntil(1_000);
    expect(ran).toEqual(['new']);
  });
});
