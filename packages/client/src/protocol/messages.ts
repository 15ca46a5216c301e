// The decoded form of every client-protocol message: the connect handshake, requests
// (client → server), responses (server → client) and notifications. The codec turns these
// into bytes and back; the server core and the client core only ever see these shapes.

import type { Acl, ClientInfo, RequestAcl, Stat, WatcherEvent } from './records.js';

export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: bigint;
  timeoutMs: number;
  sessionId: bigint;
  passwd: Buffer | null;
  /** Only when the client sent the optional trailing byte (node-zookeeper-client never does). */
  readOnly?: boolean;
}

export interface ConnectResponse {
  protocolVersion: number;
  timeoutMs: number;
  sessionId: bigint;
  passwd: Buffer;
  /** Written only when the request carried the readOnly byte (3.8 behaviour). */
  readOnly?: boolean;
}

/** Which opcode a create travelled as: it decides the reply body (path, or path + stat). */
export type CreateVariant = 'create' | 'create2' | 'createContainer' | 'createTTL';

export interface CreateRequest {
  type: 'create';
  variant: CreateVariant;
  path: string;
  data: Buffer | null;
  acl: RequestAcl[];
  flags: number;
  /** −1 for the non-TTL opcodes, as ZooKeeper passes it. */
  ttl: bigint;
}
export interface DeleteRequest {
  type: 'delete';
  path: string;
  version: number;
}
export interface ExistsRequest {
  type: 'exists';
  path: string;
  watch: boolean;
}
export interface GetDataRequest {
  type: 'getData';
  path: string;
  watch: boolean;
}
export interface SetDataRequest {
  type: 'setData';
  /** Null when a Jute null arrived (ZooKeeper reads it; see the server for each answer). */
  path: string | null;
  data: Buffer | null;
  version: number;
}
export interface GetAclRequest {
  type: 'getACL';
  path: string;
}
export interface SetAclRequest {
  type: 'setACL';
  /** Null when a Jute null arrived (ZooKeeper reads it; see the server for each answer). */
  path: string | null;
  acl: RequestAcl[];
  version: number;
}
/** getChildren (8) and getChildren2 (12) differ only in the reply: `withStat`. */
export interface GetChildrenRequest {
  type: 'getChildren';
  path: string;
  watch: boolean;
  withStat: boolean;
}
export interface SyncRequest {
  type: 'sync';
  /** Null when a Jute null arrived (ZooKeeper reads it; see the server for each answer). */
  path: string | null;
}
export interface PingRequest {
  type: 'ping';
}
export interface CheckRequest {
  type: 'check';
  path: string;
  version: number;
}
export type MultiOp = CreateRequest | DeleteRequest | SetDataRequest | CheckRequest;
/**
 * Set by the decoder when an op's path was a Jute null (or a multiRead holds writes only).
 * ZooKeeper reads such a multi, then fails on that op: a multi before it takes a txn
 * (MarshallingError with an empty MultiResponse), a multiRead after the ops before it
 * (MarshallingError with their results). The ops end before the failing one. Never sent.
 */
interface CutShortByNullPath {
  isCutShortByNull?: true;
}
export interface MultiRequest extends CutShortByNullPath {
  type: 'multi';
  ops: MultiOp[];
}
export type MultiReadOp = GetDataRequest | GetChildrenRequest;
export interface MultiReadRequest extends CutShortByNullPath {
  type: 'multiRead';
  ops: MultiReadOp[];
}
export interface CheckWatchesRequest {
  type: 'checkWatches';
  /** Null when a Jute null arrived (ZooKeeper reads it; see the server for each answer). */
  path: string | null;
  watcherType: number;
}
export interface RemoveWatchesRequest {
  type: 'removeWatches';
  /** Null when a Jute null arrived (ZooKeeper reads it; see the server for each answer). */
  path: string | null;
  watcherType: number;
}
export interface ReconfigRequest {
  type: 'reconfig';
  joiningServers: string | null;
  leavingServers: string | null;
  newMembers: string | null;
  curConfigId: bigint;
}
export interface AuthRequest {
  type: 'auth';
  authType: number;
  /** Null when a Jute null (−1) arrived: ZooKeeper reads it and answers AuthFailed. */
  scheme: string | null;
  auth: Buffer | null;
}
/** setWatches (101) has no persistent lists; setWatches2 (105) has all five. */
export interface SetWatchesRequest {
  type: 'setWatches';
  version: 1 | 2;
  relativeZxid: bigint;
  dataWatches: string[];
  existWatches: string[];
  childWatches: string[];
  persistentWatches: string[];
  persistentRecursiveWatches: string[];
  /**
   * Set by the decoder when a list, or an entry of the first three lists, was a Jute null:
   * ZooKeeper (DataTree.setWatches) handles every path before it, then fails on the null
   * (MarshallingError). The lists then end where it stopped. Never sent.
   */
  isCutShortByNull?: true;
}
export interface SaslRequest {
  type: 'sasl';
  token: Buffer | null;
}
export interface GetEphemeralsRequest {
  type: 'getEphemerals';
  prefixPath: string | null;
}
export interface GetAllChildrenNumberRequest {
  type: 'getAllChildrenNumber';
  path: string;
}
export interface AddWatchRequest {
  type: 'addWatch';
  /** Null when a Jute null arrived (ZooKeeper reads it; see the server for each answer). */
  path: string | null;
  mode: number;
}
export interface WhoAmIRequest {
  type: 'whoAmI';
}
export interface CloseSessionRequest {
  type: 'closeSession';
}

export type Request =
  | CreateRequest
  | DeleteRequest
  | ExistsRequest
  | GetDataRequest
  | SetDataRequest
  | GetAclRequest
  | SetAclRequest
  | GetChildrenRequest
  | SyncRequest
  | PingRequest
  | CheckRequest
  | MultiRequest
  | MultiReadRequest
  | CheckWatchesRequest
  | RemoveWatchesRequest
  | ReconfigRequest
  | AuthRequest
  | SetWatchesRequest
  | SaslRequest
  | GetEphemeralsRequest
  | GetAllChildrenNumberRequest
  | AddWatchRequest
  | WhoAmIRequest
  | CloseSessionRequest;

export type RequestType = Request['type'];

// Response bodies, sent only when the reply's err is 0 (a multi always has a body).

/** create (op 1, or a create inside multi sent as op 1) → path; other variants add the stat. */
export interface CreateResponse {
  type: 'create';
  path: string;
  stat: Stat | null;
}
export interface StatResponse {
  type: 'stat';
  stat: Stat;
}
export interface GetDataResponse {
  type: 'getData';
  data: Buffer | null;
  stat: Stat;
}
export interface GetAclResponse {
  type: 'getACL';
  acl: Acl[];
  stat: Stat;
}
export interface GetChildrenResponse {
  type: 'getChildren';
  children: string[];
  stat: Stat | null;
}
export interface PathResponse {
  type: 'path';
  /** sync echoes its path, a Jute null included. */
  path: string | null;
}
export interface EmptyResponse {
  type: 'empty';
}
export type MultiOpResult =
  | CreateResponse
  | { type: 'delete' }
  | { type: 'setData'; stat: Stat }
  | { type: 'check' }
  | GetDataResponse
  | GetChildrenResponse
  | { type: 'error'; err: number };
export interface MultiResponse {
  type: 'multi';
  results: MultiOpResult[];
}
export interface EphemeralsResponse {
  type: 'ephemerals';
  paths: string[];
}
export interface CountResponse {
  type: 'count';
  total: number;
}
/** addWatch's success body is a 4-byte int 0 (ErrorResponse). */
export interface AddWatchResponse {
  type: 'addWatch';
}
export interface WhoAmIResponse {
  type: 'whoAmI';
  clientInfo: ClientInfo[];
}
export interface SaslResponse {
  type: 'sasl';
  token: Buffer | null;
}

export type Response =
  | CreateResponse
  | StatResponse
  | GetDataResponse
  | GetAclResponse
  | GetChildrenResponse
  | PathResponse
  | EmptyResponse
  | MultiResponse
  | EphemeralsResponse
  | CountResponse
  | AddWatchResponse
  | WhoAmIResponse
  | SaslResponse;

export interface ReplyHeader {
  xid: number;
  zxid: bigint;
  err: number;
}

/** A reply frame as the server writes it: header, and a body only when err is 0. */
export interface Reply {
  header: ReplyHeader;
  body: Response | null;
}

export interface Notification {
  /** −1 in ZooKeeper 3.8, which Zoo follows. */
  zxid: bigint;
  event: WatcherEvent;
}
