// Four-letter-word output tests. The expected strings were captured from a real ZooKeeper 3.8.0
// (Debian build, standalone, 4lw.commands.whitelist=*) holding one session with an ephemeral
// and three watches; each snapshot below restates that server's state.

import { describe, expect, test } from 'vitest';
import {
  fourLetterWordAction,
  fourLetterWordCode,
  fourLetterWords,
  parseWhitelist,
  runFourLetterWord,
  telnetCloseCode,
} from './four-letter-words.js';
import type { ConnectionSnapshot, ServerSnapshot } from './server-snapshot.js';

const all = parseWhitelist('*');
const realVersion = '3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC';
const sessionId = 0x100000c17920000n;

const clientConnection: ConnectionSnapshot = {
  remoteAddress: '/127.0.0.1:50530',
  interestOps: 1,
  queued: 0,
  packetsReceived: 6,
  packetsSent: 6,
  expiresAtMs: Date.UTC(2026, 10, 25, 12, 58, 15),
  session: {
    sessionId,
    lastOperation: 'GETC',
    establishedMs: 1795611477047,
    timeoutMs: 10000,
    lastCxid: 4,
    lastZxid: 3n,
    lastResponseMs: 801829,
    lastLatencyMs: 1,
    minLatencyMs: 0,
    avgLatencyMs: 4,
    maxLatencyMs: 16,
  },
};

function commandConnection(port: number): ConnectionSnapshot {
  return {
    remoteAddress: `/127.0.0.1:${port}`,
    interestOps: 0,
    queued: 0,
    packetsReceived: 1,
    packetsSent: 0,
    expiresAtMs: Date.UTC(2026, 10, 25, 12, 58, 15),
    session: null,
  };
}

function snapshot(overrides: Partial<ServerSnapshot> = {}): ServerSnapshot {
  return {
    isServing: true,
    version: realVersion,
    mode: 'standalone',
    zxid: 3n,
    nodeCount: 7,
    latency: { minMs: 1, avgMs: 4.3333, maxMs: 16 },
    packetsReceived: 8,
    packetsSent: 7,
    outstanding: 0,
    uptimeMs: 9514,
    connections: [clientConnection, commandConnection(50538)],
    watchCount: 3,
    watches: {
      connectionsWatching: 1,
      pathsWatched: 2,
      totalWatches: 2,
      bySession: new Map([[sessionId, ['/missing', '/w']]]),
      byPath: new Map([
        ['/missing', [sessionId]],
        ['/w', [sessionId]],
      ]),
    },
    ephemeralsCount: 1,
    approximateDataSize: 51,
    sessions: [{ sessionId, expiresAtMs: Date.UTC(2026, 10, 25, 12, 58, 7) }],
    ephemeralsBySession: new Map([[sessionId, ['/w/e']]]),
    config: {
      clientPort: 22181,
      secureClientPort: -1,
      dataDir: '/tmp/h4zk/data/version-2',
      dataDirSize: 67109337,
      dataLogDir: '/tmp/h4zk/data/version-2',
      dataLogSize: 67109337,
      tickTime: 2000,
      maxClientCnxns: 60,
      minSessionTimeout: 4000,
      maxSessionTimeout: 40000,
      clientPortListenBacklog: -1,
      serverId: 0,
      quorum: null,
    },
    env: [
      ['zookeeper.version', realVersion],
      ['host.name', 'localhost'],
      ['java.compiler', '<NA>'],
    ],
    epochOffsetMs: 0,
    traceMask: 306n,
    clientResponseSize: { last: 93, min: 16, max: 93 },
    authFailedCount: 0,
    proposalSizes: null,
    openFileDescriptorCount: 41,
    maxFileDescriptorCount: 20000,
    extraMonitorValues: [],
    digestLog: [],
    ...overrides,
  };
}

describe('four-letter words: codes and whitelist (FourLetterCommands)', () => {
  test('a word is the big-endian int32 of its 4 ASCII bytes', () => {
    expect(fourLetterWordCode('ruok')).toBe(0x72756f6b);
    expect(fourLetterWords.get(0x72756f6b)).toBe('ruok');
    expect(fourLetterWords.get(0x73727672)).toBe('srvr');
    expect(fourLetterWords.size).toBe(18);
    for (const code of fourLetterWords.keys()) expect(code).toBeGreaterThan(0xfffff);
  });

  test('telnet close is 0xfff4fffd read as a signed int32', () => {
    expect(telnetCloseCode).toBe(Buffer.from([0xff, 0xf4, 0xff, 0xfd]).readInt32BE(0));
  });

  test('the default whitelist enables srvr only', () => {
    expect([...parseWhitelist('')]).toEqual(['srvr']);
  });

  test('a list always gains srvr; isro joins when read-only mode is enabled', () => {
    expect([...parseWhitelist(' ruok , stat,')].sort()).toEqual(['ruok', 'srvr', 'stat']);
    expect(parseWhitelist('ruok', { isReadOnlyModeEnabled: true }).has('isro')).toBe(true);
  });

  test('* enables every word', () => {
    expect(all.size).toBe(18);
    for (const word of fourLetterWords.values()) expect(all.has(word)).toBe(true);
  });

  test('a known word outside the whitelist is refused with ZooKeeper’s sentence', () => {
    expect(runFourLetterWord('ruok', snapshot(), parseWhitelist(''))).toBe(
      'ruok is not executed because it is not in the whitelist.\n',
    );
  });

  test('side effects are reported only for enabled words', () => {
    expect(fourLetterWordAction('srst', all)).toBe('resetServerStats');
    expect(fourLetterWordAction('crst', all)).toBe('resetConnectionStats');
    expect(fourLetterWordAction('stmk', all)).toBe('setTraceMask');
    expect(fourLetterWordAction('srst', parseWhitelist(''))).toBe('none');
    expect(fourLetterWordAction('srvr', all)).toBe('none');
  });
});

describe('four-letter words: text identical to ZooKeeper 3.8.0', () => {
  test('ruok answers imok without a newline', () => {
    expect(runFourLetterWord('ruok', snapshot(), all)).toBe('imok');
  });

  test('srvr', () => {
    expect(runFourLetterWord('srvr', snapshot(), all)).toBe(
      `Zookeeper version: ${realVersion}\nLatency min/avg/max: 1/4.3333/16\nReceived: 8\n` +
        'Sent: 7\nConnections: 2\nOutstanding: 0\nZxid: 0x3\nMode: standalone\nNode count: 7\n',
    );
  });

  test('srvr on a fresh server prints avg latency as 0.0', () => {
    const fresh = snapshot({ latency: { minMs: 0, avgMs: 0, maxMs: 0 }, zxid: 0n });
    expect(runFourLetterWord('srvr', fresh, all)).toContain('Latency min/avg/max: 0/0.0/0\n');
  });

  test('stat lists the clients after the version line', () => {
    expect(runFourLetterWord('stat', snapshot(), all)).toBe(
      `Zookeeper version: ${realVersion}\nClients:\n` +
        ' /127.0.0.1:50530[1](queued=0,recved=6,sent=6)\n' +
        ' /127.0.0.1:50538[0](queued=0,recved=1,sent=0)\n\n' +
        'Latency min/avg/max: 1/4.3333/16\nReceived: 8\nSent: 7\nConnections: 2\n' +
        'Outstanding: 0\nZxid: 0x3\nMode: standalone\nNode count: 7\n',
    );
  });

  test('cons', () => {
    const state = snapshot({ connections: [clientConnection, commandConnection(50542)] });
    expect(runFourLetterWord('cons', state, all)).toBe(
      ' /127.0.0.1:50530[1](queued=0,recved=6,sent=6,sid=0x100000c17920000,lop=GETC,' +
        'est=1795611477047,to=10000,lcxid=0x4,lzxid=0x3,lresp=801829,llat=1,minlat=0,' +
        'avglat=4,maxlat=16)\n /127.0.0.1:50542[0](queued=0,recved=1,sent=0)\n\n',
    );
  });

  test('dump (ZooKeeper also printed an empty connection bucket, which Zoo never keeps)', () => {
    const state = snapshot({ connections: [clientConnection, commandConnection(50546)] });
    expect(runFourLetterWord('dump', state, all)).toBe(
      'SessionTracker dump:\nSession Sets (1)/(1):\n' +
        '1 expire at Wed Nov 25 12:58:07 UTC 2026:\n\t0x100000c17920000\n' +
        'ephemeral nodes dump:\nSessions with Ephemerals (1):\n0x100000c17920000:\n\t/w/e\n' +
        'Connections dump:\nConnections Sets (1)/(2):\n' +
        '2 expire at Wed Nov 25 12:58:15 UTC 2026:\n' +
        '\tip: /127.0.0.1:50530 sessionId: 0x100000c17920000\n' +
        '\tip: /127.0.0.1:50546 sessionId: 0x0\n',
    );
  });

  test('wchs, wchc, wchp', () => {
    expect(runFourLetterWord('wchs', snapshot(), all)).toBe(
      '1 connections watching 2 paths\nTotal watches:2\n',
    );
    expect(runFourLetterWord('wchc', snapshot(), all)).toBe(
      '0x100000c17920000\n\t/missing\n\t/w\n\n',
    );
    expect(runFourLetterWord('wchp', snapshot(), all)).toBe(
      '/missing\n\t0x100000c17920000\n/w\n\t0x100000c17920000\n\n',
    );
  });

  test('conf', () => {
    expect(runFourLetterWord('conf', snapshot(), all)).toBe(
      'clientPort=22181\nsecureClientPort=-1\ndataDir=/tmp/h4zk/data/version-2\n' +
        'dataDirSize=67109337\ndataLogDir=/tmp/h4zk/data/version-2\ndataLogSize=67109337\n' +
        'tickTime=2000\nmaxClientCnxns=60\nminSessionTimeout=4000\nmaxSessionTimeout=40000\n' +
        'clientPortListenBacklog=-1\nserverId=0\n',
    );
  });

  test('envi, dirs, isro, gtmk, crst, srst, hash', () => {
    expect(runFourLetterWord('envi', snapshot(), all)).toBe(
      `Environment:\nzookeeper.version=${realVersion}\nhost.name=localhost\njava.compiler=<NA>\n`,
    );
    expect(runFourLetterWord('dirs', snapshot(), all)).toBe(
      'datadir_size: 67109337\nlogdir_size: 67109337\n',
    );
    expect(runFourLetterWord('isro', snapshot(), all)).toBe('rw');
    expect(runFourLetterWord('gtmk', snapshot(), all)).toBe('306');
    expect(runFourLetterWord('crst', snapshot(), all)).toBe('Connection stats reset.\n');
    expect(runFourLetterWord('srst', snapshot(), all)).toBe('Server stats reset.\n');
    expect(runFourLetterWord('hash', snapshot(), all)).toBe('');
  });

  test('mntr starts with version and state, and every gauge line is one ZooKeeper printed', () => {
    const real = new Set([
      `zk_version\t${realVersion}`,
      'zk_server_state\tstandalone',
      'zk_ephemerals_count\t1',
      'zk_num_alive_connections\t2',
      'zk_avg_latency\t4.3333',
      'zk_outstanding_requests\t0',
      'zk_znode_count\t7',
      'zk_global_sessions\t1',
      'zk_non_mtls_remote_conn_count\t0',
      'zk_last_client_response_size\t93',
      'zk_packets_sent\t13',
      'zk_packets_received\t14',
      'zk_max_client_response_size\t93',
      'zk_connection_drop_probability\t0.0',
      'zk_watch_count\t3',
      'zk_auth_failed_count\t0',
      'zk_min_latency\t1',
      'zk_max_file_descriptor_count\t20000',
      'zk_approximate_data_size\t51',
      'zk_open_file_descriptor_count\t41',
      'zk_local_sessions\t0',
      'zk_uptime\t9514',
      'zk_max_latency\t16',
      'zk_outstanding_tls_handshake\t0',
      'zk_min_client_response_size\t16',
      'zk_non_mtls_local_conn_count\t0',
    ]);
    const text = runFourLetterWord('mntr', snapshot({ packetsReceived: 14, packetsSent: 13 }), all);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines.slice(0, 2)).toEqual([
      `zk_version\t${realVersion}`,
      'zk_server_state\tstandalone',
    ]);
    expect(new Set(lines)).toEqual(real);
  });
});

describe('four-letter words: other states', () => {
  test('a server that is not serving says so, except for ruok, gtmk, envi, isro and hash', () => {
    const down = snapshot({ isServing: false });
    const notServing = 'This ZooKeeper instance is not currently serving requests';
    for (const word of ['srvr', 'stat', 'cons', 'mntr', 'conf', 'dirs', 'dump', 'wchs', 'srst']) {
      expect(runFourLetterWord(word, down, all)).toBe(`${notServing}\n`);
    }
    expect(runFourLetterWord('hash', down, all)).toBe(notServing);
    expect(runFourLetterWord('isro', down, all)).toBe('null');
    expect(runFourLetterWord('ruok', down, all)).toBe('imok');
    expect(runFourLetterWord('envi', down, all).startsWith('Environment:\n')).toBe(true);
  });

  test('a read-only server says ro and adds its srvr line', () => {
    const readOnly = snapshot({ mode: 'read-only' });
    expect(runFourLetterWord('isro', readOnly, all)).toBe('ro');
    expect(runFourLetterWord('srvr', readOnly, all)).toContain(
      `Zookeeper version: ${realVersion}\nREAD-ONLY mode; serving only read-only clients\n`,
    );
  });

  test('a leader adds its proposal sizes; a quorum member adds its conf lines', () => {
    const leader = snapshot({ mode: 'leader', proposalSizes: { last: 50, min: 36, max: 120 } });
    expect(runFourLetterWord('srvr', leader, all)).toMatch(
      /Mode: leader\nNode count: 7\nProposal sizes last\/min\/max: 50\/36\/120\n$/,
    );
    const member = snapshot();
    member.config = {
      ...member.config,
      quorum: {
        initLimit: 10,
        syncLimit: 5,
        electionAlg: 3,
        electionPort: '3888',
        quorumPort: '2888',
        peerType: 0,
        membership: ['server.1=127.0.0.1:2888:3888:participant', 'version=0'],
      },
    };
    expect(runFourLetterWord('conf', member, all)).toMatch(
      /serverId=0\ninitLimit=10\nsyncLimit=5\nelectionAlg=3\nelectionPort=3888\n/,
    );
    expect(runFourLetterWord('conf', member, all)).toMatch(
      /peerType=0\nmembership: \nserver\.1=127\.0\.0\.1:2888:3888:participant\nversion=0\n$/,
    );
  });

  test('stmk echoes the mask the runtime stored; hash prints hex zxid and decimal digest', () => {
    expect(runFourLetterWord('stmk', snapshot({ traceMask: 0n }), all)).toBe('0');
    const hashed = snapshot({ digestLog: [{ zxid: 0x1an, digest: 1234567890123n }] });
    expect(runFourLetterWord('hash', hashed, all)).toBe('1a: 1234567890123\n');
  });

  test('mntr appends the extra values after the standard gauges', () => {
    const text = runFourLetterWord(
      'mntr',
      snapshot({
        extraMonitorValues: [
          ['followers', 2],
          ['synced_followers', 2],
        ],
      }),
      all,
    );
    expect(text.endsWith('zk_followers\t2\nzk_synced_followers\t2\n')).toBe(true);
  });

  test('a session id with the top bit set prints as unsigned hex', () => {
    const negative = BigInt.asIntN(64, 0xc800000000000001n);
    const state = snapshot({ sessions: [{ sessionId: negative, expiresAtMs: 0 }] });
    expect(runFourLetterWord('dump', state, all)).toContain('\t0xc800000000000001\n');
  });
});
