// An ephemeral that must vanish once its session ends (checked on the servers after the heal).

import { CreateMode } from '@zoo/client';
import { outcomeOf } from './outcome.js';
import type { OpContext } from './op-context.js';
import { ephemeralsPath } from './op-context.js';

export async function createEphemeral(context: OpContext): Promise<void> {
  await outcomeOf(context.world, () =>
    context.client.create(`${ephemeralsPath}/c${context.process}-`, context.uniqueData(), {
      mode: CreateMode.ephemeralSequential,
    }),
  );
}
