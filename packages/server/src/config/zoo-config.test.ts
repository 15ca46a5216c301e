import { describe, expect, test } from 'vitest';
import { ConfigError, parseZooConfig } from './zoo-config.js';

describe('parseZooConfig', () => {
  test('reads ZooKeeper-style settings and server lines', () => {
    const config = parseZooConfig(`
# a three-host ensemble
tickTime=1000
clientPort=2182
dataDir=/var/lib/zoo
initLimit=5
syncLimit=2
myid=2
server.1=10.0.0.1:2888:3888
server.3=10.0.0.3:2888:3888;2181
server.2=10.0.0.2:2888
server.4=10.0.0.4:2888:3888:observer
admin.enableServer=false
`);
    expect(config).toMatchObject({
      tickMs: 1000,
      clientPort: 2182,
      dataDir: '/var/lib/zoo',
      initLimitTicks: 5,
      syncLimitTicks: 2,
      myid: 2,
      adminServerPort: null,
    });
    const peer = { peerPort: 2888, clientAddress: null };
    expect(config.members).toEqual([
      { id: 1, host: '10.0.0.1', ...peer, isObserver: false },
      { id: 2, host: '10.0.0.2', ...peer, isObserver: false },
      { id: 3, host: '10.0.0.3', ...peer, isObserver: false, clientAddress: '2181' },
      { id: 4, host: '10.0.0.4', ...peer, isObserver: true },
    ]);
  });

  test('dataLogDir is read when given, and null (the log in dataDir) when not', () => {
    expect(parseZooConfig('dataDir=/d\ndataLogDir=/fast/log')).toMatchObject({
      dataDir: '/d',
      dataLogDir: '/fast/log',
    });
    expect(parseZooConfig('dataDir=/d').dataLogDir).toBeNull();
  });

  test('snapCount and autopurge.snapRetainCount (at least 3, as ZooKeeper keeps)', () => {
    expect(parseZooConfig('snapCount=5000\nautopurge.snapRetainCount=7')).toMatchObject({
      snapCount: 5000,
      snapRetainCount: 7,
    });
    expect(parseZooConfig('autopurge.snapRetainCount=1').snapRetainCount).toBe(3);
    expect(parseZooConfig('')).toMatchObject({ snapCount: null, snapRetainCount: null });
  });

  test('maxClientCnxns and globalOutstandingLimit, under either of their names', () => {
    const text = 'maxClientCnxns=0\nzookeeper.globalOutstandingLimit=250';
    expect(parseZooConfig(text)).toMatchObject({ maxClientCnxns: 0, globalOutstandingLimit: 250 });
    expect(parseZooConfig('globalOutstandingLimit=7').globalOutstandingLimit).toBe(7);
    expect(parseZooConfig('')).toMatchObject({
      maxClientCnxns: null,
      globalOutstandingLimit: null,
    });
    expect(() => parseZooConfig('maxClientCnxns=-1')).toThrow(/maxClientCnxns/);
  });

  test('defaults follow ZooKeeper', () => {
    expect(parseZooConfig('')).toMatchObject({
      tickMs: 2000,
      clientPort: 2181,
      initLimitTicks: 10,
      syncLimitTicks: 5,
      adminServerPort: 8080,
    });
  });

  test('admin.serverPort moves the admin server; admin.enableServer=false turns it off', () => {
    expect(parseZooConfig('admin.serverPort=9090').adminServerPort).toBe(9090);
    expect(parseZooConfig('admin.serverPort=9090\nadmin.enableServer=false').adminServerPort).toBe(
      null,
    );
    expect(parseZooConfig('admin.enableServer=true').adminServerPort).toBe(8080);
  });

  test('rejects a malformed line or a bad number with a ConfigError', () => {
    expect(() => parseZooConfig('tickTime')).toThrow(ConfigError);
    expect(() => parseZooConfig('clientPort=abc')).toThrow(ConfigError);
    expect(() => parseZooConfig('server.1=:2888')).toThrow(ConfigError);
  });
});
