// Error messages worded as zkCli prints them, so scripts and people used to ZooKeeper's shell
// read the same text: its own phrases for the common codes, KeeperException's for the rest.

import { ErrorCode, ZooError } from '@zoo/client';

// ZooKeeper: CliWrapperException.getMessage — the shell's phrases, each followed by the path.
const shellPhrases: ReadonlyMap<number, string> = new Map([
  [ErrorCode.NoNode, 'Node does not exist: '],
  [ErrorCode.NoChildrenForEphemerals, 'Ephemerals cannot have children: '],
  [ErrorCode.NodeExists, 'Node already exists: '],
  [ErrorCode.NotEmpty, 'Node not empty: '],
  [ErrorCode.NotReadOnly, 'Not a read-only call: '],
  [ErrorCode.InvalidAcl, 'Acl is not valid : '],
  [ErrorCode.NoAuth, 'Insufficient permission : '],
  [ErrorCode.BadArguments, 'Argument error : '],
  [ErrorCode.BadVersion, 'version No is not valid : '],
]);

// ZooKeeper: KeeperException.getCodeMessage — the text after `KeeperErrorCode = `.
const codeMessages: ReadonlyMap<number, string> = new Map([
  [ErrorCode.SystemError, 'SystemError'],
  [ErrorCode.RuntimeInconsistency, 'RuntimeInconsistency'],
  [ErrorCode.DataInconsistency, 'DataInconsistency'],
  [ErrorCode.ConnectionLoss, 'ConnectionLoss'],
  [ErrorCode.MarshallingError, 'MarshallingError'],
  [ErrorCode.NewConfigNoQuorum, 'NewConfigNoQuorum'],
  [ErrorCode.ReconfigInProgress, 'ReconfigInProgress'],
  [ErrorCode.Unimplemented, 'Unimplemented'],
  [ErrorCode.OperationTimeout, 'OperationTimeout'],
  [ErrorCode.ApiError, 'APIError'],
  [ErrorCode.AuthFailed, 'AuthFailed'],
  [ErrorCode.SessionExpired, 'Session expired'],
  [ErrorCode.InvalidCallback, 'Invalid callback'],
  [ErrorCode.SessionMoved, 'Session moved'],
  [ErrorCode.EphemeralOnLocalSession, 'Ephemeral node on local session'],
  [ErrorCode.NoWatcher, 'No such watcher'],
  [ErrorCode.RequestTimeout, 'Request timeout'],
  [ErrorCode.ReconfigDisabled, 'Reconfig is disabled'],
  [ErrorCode.SessionClosedRequireSaslAuth, 'Session closed because client failed to authenticate'],
  [ErrorCode.QuotaExceeded, 'Quota has exceeded'],
  [ErrorCode.ThrottledOp, 'Op throttled due to high load'],
]);

/** The line zkCli prints for a failed operation, e.g. `Node does not exist: /a`. */
export function zookeeperErrorText(error: ZooError, path?: string): string {
  const where = error.path ?? path;
  const phrase = shellPhrases.get(error.code);
  if (phrase !== undefined) return `${phrase}${where ?? ''}`;
  const message = codeMessages.get(error.code) ?? `Unknown error ${error.code}`;
  return `KeeperErrorCode = ${message}${where === undefined ? '' : ` for ${where}`}`;
}
