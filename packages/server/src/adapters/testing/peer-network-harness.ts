// Real ws peer networks on 127.0.0.1 for the network's tests: a recorder of what each server
// reported, and a cluster of servers 1..n that are all linked before a test starts.

import { WebSocket } from 'ws';
import type { PeerMessage } from '../../core/zab/messages.js';
import type { Logger } from '../../runtime/env.js';
import {
  startWsPeerNetwork,
  type PeerNetwork,
  type PeerNetworkTuning,
} from '../ws-peer-network.js';

export const host = '127.0.0.1';
export const fastTuning: Partial<PeerNetworkTuning> = {
  reconnectDelayMinMs: 10,
  reconnectDelayMaxMs: 100,
};

/** What one server's network reported, in order. */
export class Recorder {
  readonly messages: { from: number; message: PeerMessage }[] = [];
  readonly links: string[] = [];
  readonly logLines: string[] = [];
  readonly log: Logger = {
    debug: (line) => this.logLines.push(`debug ${line}`),
    info: (line) => this.logLines.push(`info ${line}`),
    warn: (line) => this.logLines.push(`warn ${line}`),
    error: (line) => this.logLines.push(`error ${line}`),
  };
  readonly events = {
    onMessage: (from: number, message: PeerMessage) => this.messages.push({ from, message }),
    onPeerConnected: (id: number) => this.links.push(`+${id}`),
    onPeerDisconnected: (id: number) => this.links.push(`-${id}`),
  };

  from(id: number): PeerMessage[] {
    return this.messages.filter((m) => m.from === id).map((m) => m.message);
  }

  /** The zxid of the last ack heard from `id`. */
  lastAck(id: number): bigint | null {
    const last = this.from(id).at(-1);
    return last?.type === 'ack' ? last.zxid : null;
  }
}

export async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs = 4000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const ack = (n: number): PeerMessage => ({ type: 'ack', zxid: BigInt(n) });

export interface Member {
  network: PeerNetwork;
  recorder: Recorder;
}

/** Starts servers 1..n on free ports, then hands every one the full address book. */
export async function startCluster(
  n: number,
  options: { extraPeers?: number[]; tuning?: Partial<PeerNetworkTuning> } = {},
): Promise<Map<number, Member>> {
  const members = new Map<number, Member>();
  for (let id = 1; id <= n; id++) {
    const recorder = new Recorder();
    const network = await startWsPeerNetwork({
      serverId: id,
      host,
      port: 0,
      log: recorder.log,
      events: recorder.events,
      tuning: { ...fastTuning, ...options.tuning },
    });
    members.set(id, { network, recorder });
  }
  const peers = new Map<number, { host: string; port: number }>();
  for (const [id, { network }] of members) peers.set(id, { host, port: network.port });
  // Configured but never started: raw test sockets pose as these.
  for (const id of options.extraPeers ?? []) peers.set(id, { host, port: 1 });
  for (const { network } of members.values()) network.setPeers(peers);
  await waitFor('every link up', () =>
    [...members.values()].every(({ network }) => network.connectedPeers().length === n - 1),
  );
  return members;
}

export function member(members: Map<number, Member>, id: number): Member {
  const found = members.get(id);
  if (found === undefined) throw new Error(`no server ${id}`);
  return found;
}

/** A raw ws client posing as a peer, to send what a real server never would. */
export async function rawPeer(port: number, options: { path?: string; autoPong?: boolean } = {}) {
  const socket = new WebSocket(`ws://${host}:${port}${options.path ?? '/zoo-peer'}`, {
    autoPong: options.autoPong ?? true,
  });
  const frames: Buffer[] = [];
  socket.on('message', (data) => frames.push(Buffer.isBuffer(data) ? data : Buffer.alloc(0)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('open', resolve));
  return { socket, frames, closed };
}
