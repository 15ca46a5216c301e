// Watch bugs the suite plants between the simulated network and a workload client, to prove the
// watch checker catches them. Never used outside planted-bug runs. `watchAfterReply` holds each
// watch notification back until the next reply of its connection has been handed over: the
// client sees the new data before the event (a proxy or client reordering its input would do
// this). The bytes are otherwise untouched.

import type { TransportHandlers } from '@zoo/client';
import { FrameReader, Xid } from '@zoo/client/protocol';

export const watchBugs = ['watchAfterReply'] as const;
export type WatchBug = (typeof watchBugs)[number];

export function watchBugHandlers(bug: WatchBug, handlers: TransportHandlers): TransportHandlers {
  switch (bug) {
    case 'watchAfterReply':
      return notificationsAfterNextReply(handlers);
  }
}

function notificationsAfterNextReply(handlers: TransportHandlers): TransportHandlers {
  const frames = new FrameReader();
  let isHandshakeDone = false;
  let held: Buffer[] = [];
  return {
    onData: (chunk) => {
      frames.push(chunk);
      const out: Buffer[] = [];
      for (let frame = frames.next(); frame !== null; frame = frames.next()) {
        const framed = withLength(frame);
        // The first frame answers the handshake and has no reply header.
        const xid = isHandshakeDone ? frame.readInt32BE(0) : null;
        isHandshakeDone = true;
        if (xid === Xid.notification) {
          held.push(framed);
          continue;
        }
        out.push(framed);
        if (xid !== null && xid !== Xid.ping && held.length > 0) {
          out.push(...held);
          held = [];
        }
      }
      if (out.length > 0) handlers.onData(Buffer.concat(out));
    },
    onClose: (reason) => handlers.onClose(reason),
  };
}

function withLength(payload: Buffer): Buffer {
  const framed = Buffer.allocUnsafe(4 + payload.length);
  framed.writeInt32BE(payload.length, 0);
  payload.copy(framed, 4);
  return framed;
}
