// srvr / stat / cons / mntr text (ZooKeeper: StatCommand, ServerStats.toString, ConsCommand,
// ServerCnxn.dumpConnectionInfo, MonitorCommand and the gauges of ZooKeeperServer).

import { javaDouble, javaHex } from './java-format.js';
import type { ConnectionSnapshot, ServerSnapshot } from './server-snapshot.js';

/** srvr (withClients=false) and stat (the client list after the version line). */
export function statText(snapshot: ServerSnapshot, withClients: boolean): string {
  const lines: string[] = [`Zookeeper version: ${snapshot.version}`];
  if (snapshot.mode === 'read-only') {
    lines.push('READ-ONLY mode; serving only read-only clients');
  }
  if (withClients) {
    lines.push('Clients:');
    for (const connection of snapshot.connections) {
      lines.push(connectionInfo(connection, true));
    }
    lines.push('');
  }
  const { minMs, avgMs, maxMs } = snapshot.latency;
  lines.push(
    `Latency min/avg/max: ${minMs}/${javaDouble(avgMs)}/${maxMs}`,
    `Received: ${snapshot.packetsReceived}`,
    `Sent: ${snapshot.packetsSent}`,
    `Connections: ${snapshot.connections.length}`,
    `Outstanding: ${snapshot.outstanding}`,
    `Zxid: 0x${javaHex(snapshot.zxid)}`,
    `Mode: ${snapshot.mode}`,
    `Node count: ${snapshot.nodeCount}`,
  );
  const proposals = snapshot.proposalSizes;
  if (snapshot.mode === 'leader' && proposals !== null) {
    lines.push(`Proposal sizes last/min/max: ${proposals.last}/${proposals.min}/${proposals.max}`);
  }
  return lines.map((line) => `${line}\n`).join('');
}

/** cons: every connection in full, one per line, then a blank line. */
export function consText(snapshot: ServerSnapshot): string {
  const lines = snapshot.connections.map((connection) => `${connectionInfo(connection, false)}\n`);
  return `${lines.join('')}\n`;
}

/**
 * ZooKeeper: ServerCnxn.dumpConnectionInfo —
 * ` /ip:port[ops](queued=…,recved=…,sent=…[,sid=0x…,lop=…,…,maxlat=…])`.
 */
export function connectionInfo(connection: ConnectionSnapshot, isBrief: boolean): string {
  const ops = connection.interestOps === 0 ? '0' : connection.interestOps.toString(16);
  let text =
    ` ${connection.remoteAddress}[${ops}](queued=${connection.queued}` +
    `,recved=${connection.packetsReceived},sent=${connection.packetsSent}`;
  const session = connection.session;
  if (!isBrief && session !== null && session.sessionId !== 0n) {
    text += `,sid=0x${javaHex(session.sessionId)},lop=${session.lastOperation}`;
    text += `,est=${session.establishedMs},to=${session.timeoutMs}`;
    if (session.lastCxid >= 0) text += `,lcxid=0x${javaHex(session.lastCxid)}`;
    text += `,lzxid=0x${javaHex(session.lastZxid)},lresp=${session.lastResponseMs}`;
    text += `,llat=${session.lastLatencyMs},minlat=${session.minLatencyMs}`;
    text += `,avglat=${session.avgLatencyMs},maxlat=${session.maxLatencyMs}`;
  }
  return `${text})`;
}

/** A mntr value: integers print as integers, gauges ZooKeeper keeps as doubles as doubles. */
export type MonitorValue = { integer: number | bigint } | { double: number } | { text: string };

/** mntr: `zk_<key>\t<value>` per monitor value. */
export function mntrText(snapshot: ServerSnapshot): string {
  const lines = monitorValues(snapshot).map(
    ([key, value]) => `zk_${key}\t${monitorValueText(value)}\n`,
  );
  return lines.join('');
}

/**
 * mntr's values, keys without `zk_` (the admin server's `monitor` uses them as they are):
 * version and server_state first (ZooKeeperServer.dumpMonitorValues), then the gauges
 * ZooKeeperServer.registerMetrics registers, in its order, then the extra values.
 */
export function monitorValues(snapshot: ServerSnapshot): [string, MonitorValue][] {
  const values: [string, MonitorValue][] = [
    ['version', { text: snapshot.version }],
    ['server_state', { text: snapshot.mode }],
    ['avg_latency', { double: snapshot.latency.avgMs }],
    ['max_latency', { integer: snapshot.latency.maxMs }],
    ['min_latency', { integer: snapshot.latency.minMs }],
    ['packets_received', { integer: snapshot.packetsReceived }],
    ['packets_sent', { integer: snapshot.packetsSent }],
    ['num_alive_connections', { integer: snapshot.connections.length }],
    ['outstanding_requests', { integer: snapshot.outstanding }],
    ['uptime', { integer: snapshot.uptimeMs }],
    ['znode_count', { integer: snapshot.nodeCount }],
    ['watch_count', { integer: snapshot.watchCount }],
    ['ephemerals_count', { integer: snapshot.ephemeralsCount }],
    ['approximate_data_size', { integer: snapshot.approximateDataSize }],
    ['global_sessions', { integer: snapshot.sessions.length }],
    ['local_sessions', { integer: 0 }],
  ];
  if (snapshot.openFileDescriptorCount !== null) {
    values.push(['open_file_descriptor_count', { integer: snapshot.openFileDescriptorCount }]);
  }
  if (snapshot.maxFileDescriptorCount !== null) {
    values.push(['max_file_descriptor_count', { integer: snapshot.maxFileDescriptorCount }]);
  }
  const sizes = snapshot.clientResponseSize;
  values.push(
    ['connection_drop_probability', { double: 0 }],
    ['last_client_response_size', { integer: sizes.last }],
    ['max_client_response_size', { integer: sizes.max }],
    ['min_client_response_size', { integer: sizes.min }],
    ['outstanding_tls_handshake', { integer: 0 }],
    ['auth_failed_count', { integer: snapshot.authFailedCount }],
    ['non_mtls_remote_conn_count', { integer: 0 }],
    ['non_mtls_local_conn_count', { integer: 0 }],
  );
  for (const [key, value] of snapshot.extraMonitorValues) {
    values.push([key, typeof value === 'string' ? { text: value } : { integer: value }]);
  }
  return values;
}

function monitorValueText(value: MonitorValue): string {
  if ('integer' in value) {
    const integer = value.integer;
    return typeof integer === 'bigint' ? integer.toString() : integerText(integer);
  }
  if ('double' in value) return javaDouble(value.double);
  return value.text;
}

/** A fraction where ZooKeeper prints a long would be a runtime slip: print it as Java would. */
function integerText(value: number): string {
  return Number.isInteger(value) ? String(value) : javaDouble(value);
}
