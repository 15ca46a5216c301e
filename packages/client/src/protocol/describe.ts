// One-line printers for protocol messages, used by logs, test transcripts and simulator traces.
// Credentials (auth bytes, passwords, SASL tokens) are printed as lengths only.

import { assertNever } from './assert.js';
import { errorCodeName } from './error-code.js';
import type {
  ConnectRequest,
  ConnectResponse,
  MultiOpResult,
  Notification,
  Reply,
  Request,
  Response,
} from './messages.js';
import { EventType, KeeperState, type RequestAcl, type Stat } from './records.js';

const listItemsShownMax = 8;

/** `0x` + lowercase hex of the unsigned 64-bit value, no padding (as ZooKeeper's 4lw print it). */
export function formatZxid(z: bigint): string {
  return `0x${BigInt.asUintN(64, z).toString(16)}`;
}

export function formatSessionId(sessionId: bigint): string {
  return formatZxid(sessionId);
}

export function describeRequest(r: Request): string {
  switch (r.type) {
    case 'create': {
      const ttl = r.variant === 'createTTL' ? ` ttl=${r.ttl}` : '';
      return (
        `${r.variant} ${text(r.path)} ${bytes(r.data)} acl=${describeAcls(r.acl)}` +
        ` flags=${r.flags}${ttl}`
      );
    }
    case 'delete':
    case 'check':
      return `${r.type} ${text(r.path)} version=${r.version}`;
    case 'exists':
    case 'getData':
      return `${r.type} ${text(r.path)}${watch(r.watch)}`;
    case 'getChildren':
      return `${r.withStat ? 'getChildren2' : 'getChildren'} ${text(r.path)}${watch(r.watch)}`;
    case 'setData':
      return `setData ${text(r.path)} ${bytes(r.data)} version=${r.version}`;
    case 'getACL':
    case 'sync':
    case 'getAllChildrenNumber':
      return `${r.type} ${text(r.path)}`;
    case 'setACL':
      return `setACL ${text(r.path)} acl=${describeAcls(r.acl)} version=${r.version}`;
    case 'multi':
    case 'multiRead':
      return `${r.type}${list(r.ops.map(describeRequest))}`;
    case 'checkWatches':
    case 'removeWatches':
      return `${r.type} ${text(r.path)} watcherType=${r.watcherType}`;
    case 'reconfig':
      return (
        `reconfig joining=${text(r.joiningServers)} leaving=${text(r.leavingServers)}` +
        ` members=${text(r.newMembers)} config=${formatZxid(r.curConfigId)}`
      );
    case 'auth':
      return `auth ${text(r.scheme)} ${bytes(r.auth)}`;
    case 'setWatches': {
      const v2 =
        r.version === 2
          ? ` persistent=${r.persistentWatches.length}` +
            ` recursive=${r.persistentRecursiveWatches.length}`
          : '';
      return (
        `${r.version === 2 ? 'setWatches2' : 'setWatches'}` +
        ` relativeZxid=${formatZxid(r.relativeZxid)} data=${r.dataWatches.length}` +
        ` exist=${r.existWatches.length} child=${r.childWatches.length}${v2}`
      );
    }
    case 'sasl':
      return `sasl token=${bytes(r.token)}`;
    case 'getEphemerals':
      return `getEphemerals ${text(r.prefixPath)}`;
    case 'addWatch':
      return `addWatch ${text(r.path)} mode=${r.mode}`;
    case 'ping':
    case 'whoAmI':
    case 'closeSession':
      return r.type;
    default:
      return assertNever(r, 'request');
  }
}

export function describeResponse(body: Response): string {
  switch (body.type) {
    case 'create':
      return `create ${text(body.path)}${body.stat === null ? '' : ' ' + stat(body.stat)}`;
    case 'stat':
      return stat(body.stat);
    case 'getData':
      return `getData ${bytes(body.data)} ${stat(body.stat)}`;
    case 'getACL':
      return `getACL ${describeAcls(body.acl)} ${stat(body.stat)}`;
    case 'getChildren': {
      const children = list(body.children.map(text));
      return `getChildren ${children}${body.stat === null ? '' : ' ' + stat(body.stat)}`;
    }
    case 'path':
      return `path ${text(body.path)}`;
    case 'empty':
      return 'empty';
    case 'multi':
      return `multi${list(body.results.map(describeMultiResult))}`;
    case 'ephemerals':
      return `ephemerals ${list(body.paths.map(text))}`;
    case 'count':
      return `count ${body.total}`;
    case 'addWatch':
      return 'addWatch';
    case 'whoAmI':
      return `whoAmI ${list(body.clientInfo.map((c) => `${text(c.authScheme)}:${text(c.user)}`))}`;
    case 'sasl':
      return `sasl token=${bytes(body.token)}`;
    default:
      return assertNever(body, 'response');
  }
}

export function describeReply(r: Reply): string {
  const { xid, zxid, err } = r.header;
  const head = `reply xid=${xid} zxid=${formatZxid(zxid)}`;
  if (err !== 0) return `${head} err=${errorCodeName(err)}(${err})`;
  return r.body === null ? `${head} ok` : `${head} ok ${describeResponse(r.body)}`;
}

export function describeNotification(n: Notification): string {
  const { type, state, path } = n.event;
  return (
    `notification ${enumName(EventType, type)} ${text(path)}` +
    ` state=${enumName(KeeperState, state)} zxid=${formatZxid(n.zxid)}`
  );
}

export function describeConnectRequest(r: ConnectRequest): string {
  const readOnly = r.readOnly === undefined ? '' : ` readOnly=${r.readOnly}`;
  return (
    `connect protocolVersion=${r.protocolVersion} lastZxidSeen=${formatZxid(r.lastZxidSeen)}` +
    ` timeoutMs=${r.timeoutMs} session=${formatSessionId(r.sessionId)}` +
    ` passwd=${bytes(r.passwd)}${readOnly}`
  );
}

export function describeConnectResponse(r: ConnectResponse): string {
  const readOnly = r.readOnly === undefined ? '' : ` readOnly=${r.readOnly}`;
  return (
    `connected protocolVersion=${r.protocolVersion} timeoutMs=${r.timeoutMs}` +
    ` session=${formatSessionId(r.sessionId)} passwd=${bytes(r.passwd)}${readOnly}`
  );
}

function describeMultiResult(result: MultiOpResult): string {
  switch (result.type) {
    case 'error':
      return `error ${errorCodeName(result.err)}(${result.err})`;
    case 'delete':
    case 'check':
      return result.type;
    case 'setData':
      return `setData ${stat(result.stat)}`;
    default:
      return describeResponse(result);
  }
}

function stat(s: Stat): string {
  return (
    `stat(czxid=${formatZxid(s.czxid)} mzxid=${formatZxid(s.mzxid)}` +
    ` pzxid=${formatZxid(s.pzxid)} ctime=${s.ctime} mtime=${s.mtime} version=${s.version}` +
    ` cversion=${s.cversion} aversion=${s.aversion}` +
    ` ephemeralOwner=${formatSessionId(s.ephemeralOwner)} dataLength=${s.dataLength}` +
    ` numChildren=${s.numChildren})`
  );
}

function describeAcls(acls: readonly RequestAcl[]): string {
  return list(acls.map((a) => `${a.perms}:${text(a.id.scheme)}:${text(a.id.id)}`));
}

function watch(isWatched: boolean): string {
  return isWatched ? ' watch' : '';
}

function bytes(b: Buffer | null): string {
  return b === null ? 'null' : `${b.length}B`;
}

/** Prints plain text as is and anything with spaces or control characters JSON-quoted. */
function text(s: string | null): string {
  if (s === null) return 'null';
  return /^[\x21-\x7e]+$/.test(s) ? s : JSON.stringify(s);
}

function list(items: readonly string[]): string {
  const shown = items.slice(0, listItemsShownMax).join(', ');
  const hidden = items.length - listItemsShownMax;
  const more = hidden > 0 ? `, +${hidden} more` : '';
  return `[${shown}${more}]`;
}

function enumName(table: Readonly<Record<string, number>>, value: number): string {
  for (const [name, v] of Object.entries(table)) if (v === value) return name;
  return String(value);
}
