// What the server needs from its peer links, whatever carries them: ws-peer-network.ts over real
// sockets; a simulated network can implement the same. Links are FIFO; a message to a peer whose
// link is down is dropped, and the events say when links come and go so ZAB can resync.

import type { OutgoingMessage, PeerMessage } from '../core/zab/messages.js';

export interface PeerAddress {
  host: string;
  port: number;
}
export type PeerAddresses = ReadonlyMap<number, PeerAddress>;

export interface PeerNetworkEvents {
  onMessage(from: number, message: PeerMessage): void;
  onPeerConnected(id: number): void;
  onPeerDisconnected(id: number): void;
}

export interface PeerNetwork {
  readonly serverId: number;
  /** The port the listener got (useful when started with port 0). */
  readonly port: number;
  /** FIFO per peer; dropped when the link to `to` is down (a SNAP's stream is abandoned). */
  send(to: number, message: OutgoingMessage): void;
  /** Replaces the address book: links to removed peers close, new lower-id peers are dialled. */
  setPeers(peers: PeerAddresses): void;
  /** Ids whose link is up, ascending. */
  connectedPeers(): number[];
  close(): Promise<void>;
  /** test control: cut/heal this server's links to `id` (both directions): partitions. */
  cut(id: number): void;
  heal(id: number): void;
  isolate(): void;
  healAll(): void;
  /** test control: drops the current link to `id` as a network fault would; it is redialled. */
  dropLink(id: number): void;
}
