// The script the shell tests run, one line per command; the transcript zkCli prints for it
// (taken from zkCli 3.8 against Apache ZooKeeper, with `Created …` moved to stdout); and the
// masking of what differs between runs.

import { createHash } from 'node:crypto';

/** Masks what changes between runs: times, zxids, session ids, the digest of the password. */
export function masked(text: string): string {
  const digest = createHash('sha1').update('alice:secret').digest('base64');
  return (
    text
      .replace(/^(ctime|mtime) = \w{3} \w{3} \d\d \d\d:\d\d:\d\d \S+ \d{4}$/gm, '$1 = <time>')
      .replace(/^(cZxid|mZxid|pZxid) = 0x[0-9a-f]+$/gm, '$1 = <zxid>')
      .replace(/^ephemeralOwner = 0x[0-9a-f]{2,}$/gm, 'ephemeralOwner = <session>')
      .replace(`'digest,'alice:${digest}`, `'digest,'alice:<sha1 of alice:secret>`)
      // Apache ZooKeeper keeps a connection's identities in a hash set: whoami lists them in any
      // order, and Zoo in the order they were added.
      .replace(/^digest: alice\nip: 127\.0\.0\.1$/m, 'ip: 127.0.0.1\ndigest: alice')
  );
}

/** The commands, one per line; `connect` reconnects to the server under test. */
export function transcriptScript(connectString: string): string[] {
  return script.replace('<connect string>', connectString).split('\n');
}

const script = `create /shell x
create /shell x
create -e /shell/eph
create -s /shell/seq- d
create -e -s /shell/eseq-
create -c /shell/container
create -t 60000 /shell/ttl t
create -s -t 60000 /shell/ttlseq- t
create -e -t 10 /shell/bad
create /shell/open "two words" world:anyone:cdrwa
create /shell/readonly r world:anyone:r
create /shell/bad x world:anyone:z
ls /shell
ls -s /shell/open
get /shell/open
get -s /shell/eph
set /shell/open v2
set -s -v 1 /shell/open v3
set -v 7 /shell/open v4
stat /shell/readonly
stat /shell/missing
getAcl /shell/readonly
getAcl -s /shell/open
setAcl /shell/readonly world:anyone:cdrwa
setAcl -s -v 0 /shell/open world:anyone:cdrwa
whoami
addauth digest alice:secret
create /shell/mine m auth::cdrwa
getAcl /shell/mine
whoami
getAllChildrenNumber /shell
getEphemerals /shell/eph
sync /shell
get -w /shell/open
set /shell/open v5
ls -w /shell/container
create /shell/container/child
stat -w /shell/later
create /shell/later
addWatch -m PERSISTENT /shell/open
set /shell/open v6
removewatches /shell/open
addWatch /shell/container
create /shell/container/child/grand
removewatches /shell/container -a -l
get -w /shell/later
removewatches /shell/later -d
ls -w /shell/later
removewatches /shell/later -c
removewatches /shell/none
ls -R /shell/container
setAcl -R /shell/container world:anyone:cdr
getAcl /shell/container/child/grand
delete /shell
delete -v 5 /shell/later
delete -v 0 /shell/later
deleteall /shell -b 2
ls /
history
foo
ls
close
ls /
connect <connect string>
ls /
quit
ls /`;

/** A stat as zkCli prints it, masked: the fields not given are 0 (ephemeralOwner 0x0). */
function stat(fields: Partial<Record<string, number | string>>): string {
  const masked = ['cZxid', 'ctime', 'mZxid', 'mtime', 'pZxid'].map((name) =>
    name.endsWith('time') ? `${name} = <time>` : `${name} = <zxid>`,
  );
  const shown = ['cversion', 'dataVersion', 'aclVersion', 'ephemeralOwner'];
  const values = [...shown, 'dataLength', 'numChildren'].map(
    (name) => `${name} = ${fields[name] ?? (name === 'ephemeralOwner' ? '0x0' : 0)}`,
  );
  return [...masked, ...values].join('\n');
}

/** A watch event as zkCli's watcher prints it: a blank line, WATCHER::, a blank line, the event. */
function watched(type: string, path: string): string {
  return `\nWATCHER::\n\nWatchedEvent state:SyncConnected type:${type} path:${path}`;
}

/** What the script prints, stat values masked; stderr lines are marked `stderr: `. */
export function expectedTranscript(usageLines: readonly string[]): string {
  const usage = usageLines.map((line) => `stderr: ${line}\n`).join('');
  return `${beforeUsage}\n${usage}${afterUsage}\n`;
}

const beforeUsage = `Created /shell
stderr: Node already exists: /shell
Created /shell/eph
Created /shell/seq-0000000001
Created /shell/eseq-0000000002
Created /shell/container
Created /shell/ttl
Created /shell/ttlseq-0000000005
stderr: TTLs cannot be used with Ephemeral znodes
Created /shell/open
Created /shell/readonly
stderr: Unknown perm type: z
[container, eph, eseq-0000000002, open, readonly, seq-0000000001, ttl, ttlseq-0000000005]
[]
${stat({ dataLength: 9 })}
two words
null
${stat({ ephemeralOwner: '<session>' })}
${stat({ dataVersion: 2, dataLength: 2 })}
stderr: version No is not valid : /shell/open
${stat({ dataLength: 1 })}
stderr: Node does not exist: /shell/missing
'world,'anyone
: r
'world,'anyone
: cdrwa
${stat({ dataVersion: 2, dataLength: 2 })}
stderr: Insufficient permission : /shell/readonly
${stat({ dataVersion: 2, aclVersion: 1, dataLength: 2 })}
Auth scheme: User
ip: 127.0.0.1
Created /shell/mine
'digest,'alice:<sha1 of alice:secret>
: cdrwa
Auth scheme: User
ip: 127.0.0.1
digest: alice
9
[/shell/eph]
Sync is OK
v3
${watched('NodeDataChanged', '/shell/open')}
[]
${watched('NodeChildrenChanged', '/shell/container')}
Created /shell/container/child
stderr: Node does not exist: /shell/later
${watched('NodeCreated', '/shell/later')}
Created /shell/later
${watched('NodeDataChanged', '/shell/open')}
${watched('PersistentWatchRemoved', '/shell/open')}
${watched('NodeCreated', '/shell/container/child/grand')}
Created /shell/container/child/grand
${watched('PersistentWatchRemoved', '/shell/container')}
null
${watched('DataWatchRemoved', '/shell/later')}
[]
${watched('ChildWatchRemoved', '/shell/later')}
stderr: KeeperErrorCode = No such watcher for /shell/none
/shell/container
/shell/container/child
/shell/container/child/grand
'world,'anyone
: cdr
stderr: Node not empty: /shell
stderr: version No is not valid : /shell/later
[zookeeper]
48 - removewatches /shell/later -c
49 - removewatches /shell/none
50 - ls -R /shell/container
51 - setAcl -R /shell/container world:anyone:cdr
52 - getAcl /shell/container/child/grand
53 - delete /shell
54 - delete -v 5 /shell/later
55 - delete -v 0 /shell/later
56 - deleteall /shell -b 2
57 - ls /
58 - history`;

// `foo` prints the usage of every command first (ZooKeeper: ZooKeeperMain.usage).
const afterUsage = `stderr: Command not found: Command not found foo
stderr: ls [-s] [-w] [-R] path
stderr: Not connected
[zookeeper]`;
