// One attempt at the read the recovery section waits for: connect, open a session, getData of a
// path, and say whether it was answered Ok. A server still recovering refuses the connection,
// or (ZooKeeper) takes it and closes the handshake; both are a "no", never an error.

import { connect } from 'node:net';
import {
  FrameReader,
  JuteReader,
  JuteWriter,
  decodeConnectResponse,
  decodeReplyHeader,
  encodeConnectRequest,
  encodeRequest,
} from '@zoo/client/protocol';
import { newSessionRequest } from './load-connection.js';
import type { Endpoint } from './targets.js';

/** True when `path` was read Ok within `timeoutMs`; false on refusal, close, error or timeout. */
export function readsOk(endpoint: Endpoint, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port, noDelay: true });
    const frames = new FrameReader();
    let isConnected = false;
    const finish = (answer: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('connect', () => {
      const writer = new JuteWriter();
      encodeConnectRequest(writer, newSessionRequest);
      encodeRequest(writer, 1, { type: 'getData', path, watch: false });
      socket.write(writer.take());
    });
    socket.on('data', (chunk: Buffer) => {
      frames.push(chunk);
      for (let frame = frames.next(); frame !== null; frame = frames.next()) {
        if (!isConnected) {
          isConnected = true;
          if (decodeConnectResponse(frame).timeoutMs <= 0) finish(false);
          continue;
        }
        const header = decodeReplyHeader(new JuteReader(frame));
        if (header.xid === 1) finish(header.err === 0);
      }
    });
  });
}
