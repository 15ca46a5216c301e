// A client env whose transport loses one reply: the first chunk from the server that holds a
// given text (e.g. the path of a node being created) is thrown away and the connection is cut,
// as if the server had crashed right after committing. The request did happen; its reply never
// arrives, and the client sees a ConnectionLoss.

import { nodeClientEnv } from '../../../adapters/node-env.js';
import type { ClientEnv, TransportFactory } from '../../../api/env.js';

export interface ReplyDroppingEnv {
  env: ClientEnv;
  /** How many replies were dropped (0 or 1). */
  dropped(): number;
}

export function replyDroppingEnv(text: string): ReplyDroppingEnv {
  const base = nodeClientEnv();
  const needle = Buffer.from(text, 'utf8');
  let dropped = 0;
  const connect: TransportFactory = (server, handlers) => {
    let isCut = false;
    const transport = base.connect(server, {
      onData: (chunk) => {
        if (isCut) return;
        if (dropped === 0 && chunk.includes(needle)) {
          dropped += 1;
          isCut = true;
          transport.close();
          handlers.onClose('the test dropped a reply');
          return;
        }
        handlers.onData(chunk);
      },
      onClose: (reason) => {
        if (!isCut) handlers.onClose(reason);
      },
    });
    return transport;
  };
  return { env: { ...base, connect }, dropped: () => dropped };
}
