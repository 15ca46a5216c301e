// Prints results as zkCli does: a stat as `cZxid = 0x…` lines with Java's Date.toString times,
// an ACL as `'scheme,'id` over `: perms`, a list as `[a, b]`, a watch event as `WatchedEvent …`.

import { EventType, KeeperState, Perms } from '@zoo/client';
import type { Acl, ClientInfo, Stat, WatchEvent } from '@zoo/client';
import type { CommandArgs } from './shell-command.js';

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** The local time zone's short name (`UTC`, `CET`, or `GMT+1` where there is no name). */
function zoneName(date: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date);
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? 'UTC';
}

/** Java's Date.toString, `Mon Dec 07 03:10:11 UTC 2026`, in local time as the JVM prints it. */
export function javaDateText(epochMs: bigint): string {
  const date = new Date(Number(epochMs));
  const day = `${weekdays[date.getDay()]} ${months[date.getMonth()]} ${twoDigits(date.getDate())}`;
  const time = [date.getHours(), date.getMinutes(), date.getSeconds()].map(twoDigits).join(':');
  return `${day} ${time} ${zoneName(date)} ${date.getFullYear()}`;
}

function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** ZooKeeper: StatPrinter — eleven `name = value` lines. */
export function statLines(stat: Stat): string[] {
  return [
    `cZxid = ${hex(stat.czxid)}`,
    `ctime = ${javaDateText(stat.ctime)}`,
    `mZxid = ${hex(stat.mzxid)}`,
    `mtime = ${javaDateText(stat.mtime)}`,
    `pZxid = ${hex(stat.pzxid)}`,
    `cversion = ${stat.cversion}`,
    `dataVersion = ${stat.version}`,
    `aclVersion = ${stat.aversion}`,
    `ephemeralOwner = ${hex(stat.ephemeralOwner)}`,
    `dataLength = ${stat.dataLength}`,
    `numChildren = ${stat.numChildren}`,
  ];
}

/** The stat's lines when -s asked for them (the flag named `stat`), else none. */
export function statLinesIfAsked(args: CommandArgs, stat: Stat): string[] {
  return args.flags['stat'] === true ? statLines(stat) : [];
}

/** Permission letters in zkCli's order: c, d, r, w, a (ZooKeeper: ZKUtil.getPermString). */
const permLetters: readonly [number, string][] = [
  [Perms.create, 'c'],
  [Perms.delete, 'd'],
  [Perms.read, 'r'],
  [Perms.write, 'w'],
  [Perms.admin, 'a'],
];

export function permsText(perms: number): string {
  return permLetters.map(([bit, letter]) => ((perms & bit) !== 0 ? letter : '')).join('');
}

/** ZooKeeper: GetAclCommand — two lines per entry. */
export function aclLines(acl: readonly Acl[]): string[] {
  return acl.flatMap((entry) => [
    `'${entry.id.scheme},'${entry.id.id}`,
    `: ${permsText(entry.perms)}`,
  ]);
}

/** ZooKeeper: WhoAmICommand. */
export function whoAmILines(infos: readonly ClientInfo[]): string[] {
  return ['Auth scheme: User', ...infos.map((info) => `${info.authScheme}: ${info.user}`)];
}

/** A Java List's toString: `[a, b]`. */
export function listText(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

const eventTypeNames: ReadonlyMap<number, string> = new Map([
  [EventType.none, 'None'],
  [EventType.nodeCreated, 'NodeCreated'],
  [EventType.nodeDeleted, 'NodeDeleted'],
  [EventType.nodeDataChanged, 'NodeDataChanged'],
  [EventType.nodeChildrenChanged, 'NodeChildrenChanged'],
  [EventType.dataWatchRemoved, 'DataWatchRemoved'],
  [EventType.childWatchRemoved, 'ChildWatchRemoved'],
  [EventType.persistentWatchRemoved, 'PersistentWatchRemoved'],
]);

const keeperStateNames: ReadonlyMap<number, string> = new Map([
  [KeeperState.disconnected, 'Disconnected'],
  [KeeperState.syncConnected, 'SyncConnected'],
  [KeeperState.authFailed, 'AuthFailed'],
  [KeeperState.connectedReadOnly, 'ConnectedReadOnly'],
  [KeeperState.saslAuthenticated, 'SaslAuthenticated'],
  [KeeperState.expired, 'Expired'],
  [KeeperState.closed, 'Closed'],
]);

/** ZooKeeper: ZooKeeperMain.MyWatcher — a blank line, `WATCHER::`, a blank line, the event. */
export function watchEventLines(event: WatchEvent): string[] {
  const state = keeperStateNames.get(event.state) ?? String(event.state);
  const type = eventTypeNames.get(event.type) ?? String(event.type);
  const path = event.type === EventType.none ? 'null' : event.path;
  return ['', 'WATCHER::', '', `WatchedEvent state:${state} type:${type} path:${path}`];
}
