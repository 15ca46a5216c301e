// The public surface of the wire protocol (`@zoo/client/protocol`): shared types and constants,
// the Jute reader/writer, framing, and the codecs used by both the server and the client.

export { AssertionError, assert, assertNever } from './assert.js';
export { DecodeError } from './decode-error.js';
export {
  ErrorCode,
  errorCodeName,
  isErrorCode,
  type ErrorCodeName,
  type ErrorCodeValue,
} from './error-code.js';
export { packetBytesMaxDefault } from './limits.js';
export { OpCode, Xid, type OpCodeName, type OpCodeValue } from './op-code.js';
export {
  AddWatchMode,
  CREATOR_ALL_ACL,
  CreateMode,
  EventType,
  Ids,
  KeeperState,
  OPEN_ACL_UNSAFE,
  Perms,
  READ_ACL_UNSAFE,
  WatcherType,
  type Acl,
  type RequestAcl,
  type ClientInfo,
  type CreateModeValue,
  type EventTypeValue,
  type Id,
  type Stat,
  type WatcherEvent,
} from './records.js';
export type {
  AddWatchRequest,
  AddWatchResponse,
  AuthRequest,
  CheckRequest,
  CheckWatchesRequest,
  CloseSessionRequest,
  ConnectRequest,
  ConnectResponse,
  CountResponse,
  CreateRequest,
  CreateResponse,
  CreateVariant,
  DeleteRequest,
  EmptyResponse,
  EphemeralsResponse,
  ExistsRequest,
  GetAclRequest,
  GetAclResponse,
  GetAllChildrenNumberRequest,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  GetEphemeralsRequest,
  MultiOp,
  MultiOpResult,
  MultiReadOp,
  MultiReadRequest,
  MultiRequest,
  MultiResponse,
  Notification,
  PathResponse,
  PingRequest,
  ReconfigRequest,
  RemoveWatchesRequest,
  Reply,
  ReplyHeader,
  Request,
  RequestType,
  Response,
  SaslRequest,
  SaslResponse,
  SetAclRequest,
  SetDataRequest,
  SetWatchesRequest,
  StatResponse,
  SyncRequest,
  WhoAmIRequest,
  WhoAmIResponse,
} from './messages.js';
export { ZooError, replyError } from './zoo-error.js';
export { pathAndAncestors, pathProblem, validatePath } from './znode-path.js';

export { JuteReader, juteLimitsDefault, type JuteLimits } from './jute-reader.js';
export { JuteWriter } from './jute-writer.js';
export { hasSurrogate, writeJavaUtf8 } from './java-utf8.js';
export { FrameReader, type FrameSpan } from './frame-reader.js';
export {
  decodeConnectRequest,
  decodeConnectResponse,
  encodeConnectRequest,
  encodeConnectResponse,
} from './connect-codec.js';
export {
  decodeRequest,
  decodeRequestFrom,
  encodeRequest,
  readRequestBody,
  type DecodedRequest,
} from './request-codec.js';
export { opCodeOf } from './request-records.js';
export {
  decodeNotification,
  decodeReplyHeader,
  decodeResponseBody,
  encodeNotification,
  encodeReply,
} from './reply-codec.js';
export {
  describeConnectRequest,
  describeConnectResponse,
  describeNotification,
  describeReply,
  describeRequest,
  describeResponse,
  formatSessionId,
  formatZxid,
} from './describe.js';
