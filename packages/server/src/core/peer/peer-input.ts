// Everything that can happen to a peer, as data: the runtime turns socket events and disk
// completions into these inputs and feeds them to `Peer.step`. Time enters only via `Peer.tick`.

import type { ConnectRequest, Request } from '@zoo/client/protocol';
import { describeMessage } from '../zab/messages.js';
import type { PeerMessage } from '../zab/messages.js';

export type PeerInput =
  | { type: 'connectionOpened'; connectionId: number; remoteAddress: string; remotePort: number }
  | { type: 'connect'; connectionId: number; request: ConnectRequest }
  | { type: 'request'; connectionId: number; xid: number; opCode: number; request: Request }
  /** A request whose body did not parse: answered MarshallingError, connection kept. */
  | { type: 'malformedRequest'; connectionId: number; xid: number; opCode: number; reason: string }
  /** An opcode ZooKeeper does not accept: answered Unimplemented, then the connection closes. */
  | { type: 'unknownOp'; connectionId: number; xid: number; opCode: number }
  | { type: 'connectionClosed'; connectionId: number }
  /** The disk has made every txn up to `upTo` durable (the self-ACK of the Ready contract). */
  | { type: 'persisted'; upTo: bigint }
  /** A message from another member of the ensemble. */
  | { type: 'peerMessage'; from: number; message: PeerMessage }
  | { type: 'peerConnected'; peerId: number }
  | { type: 'peerDisconnected'; peerId: number };

export function describeInput(input: PeerInput): string {
  switch (input.type) {
    case 'connectionOpened':
      return `conn ${input.connectionId} opened from ${input.remoteAddress}:${input.remotePort}`;
    case 'connect':
      return `conn ${input.connectionId} connect session=0x${input.request.sessionId.toString(16)}`;
    case 'request':
      return `conn ${input.connectionId} xid=${input.xid} ${input.request.type}`;
    case 'malformedRequest':
      return `conn ${input.connectionId} xid=${input.xid} malformed op ${input.opCode}`;
    case 'unknownOp':
      return `conn ${input.connectionId} xid=${input.xid} unknown op ${input.opCode}`;
    case 'connectionClosed':
      return `conn ${input.connectionId} closed`;
    case 'persisted':
      return `persisted up to 0x${input.upTo.toString(16)}`;
    case 'peerMessage':
      return `from ${input.from}: ${describeMessage(input.message)}`;
    case 'peerConnected':
      return `peer ${input.peerId} connected`;
    case 'peerDisconnected':
      return `peer ${input.peerId} disconnected`;
  }
}
