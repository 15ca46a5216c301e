// Wire-level compatibility that no client library shows directly: the handshake (readOnly byte,
// expired answer, resume, zxid-ahead refusal, pipelining), ping and reply order, notification
// framing, closeSession, auth failure, unknown opcodes and four-letter words — checked on Apache
// ZooKeeper 3.8 first, then on Zoo once `@zoo/server` exists.

import { describe, expect, test } from 'vitest';
import { fourLetterWord } from './support/four-letter-word.js';
import {
  decodeConnectResponse,
  decodeReplyHeader,
  encodeRequest,
  JuteReader,
  JuteWriter,
  type Request,
} from './support/protocol.js';
import { connectFrame, exchangeRaw, headerOnlyFrame } from './support/raw-socket.js';
import { useTargetServer, type SuiteContext } from './support/target-suite.js';
import { resolveTargets, warnUnavailable } from './support/targets.js';
import { WireClient, type WireClientOptions } from './support/wire-client.js';

const targets = await resolveTargets({ ensemble: true });
warnUnavailable('compat-wire', targets);

const openAcl = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const create = (path: string, flags = 0): Request => ({
  type: 'create',
  variant: 'create',
  path,
  data: Buffer.from('x'),
  acl: openAcl,
  flags,
  ttl: -1n,
});

/** Opens raw wire sessions on the suite's server. */
function wireClientsFor(
  suite: SuiteContext,
): (options?: Partial<WireClientOptions>) => Promise<WireClient> {
  return (options = {}) =>
    WireClient.connect({ host: suite.server().host, port: suite.server().port, ...options });
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([promise, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);
}

/** The connect handshake: readOnly byte, expired answer, resume, refusal, pipelining. */
function handshakeTests(suite: SuiteContext): void {
  const wire = wireClientsFor(suite);
  test('handshake: the readOnly byte is answered only when the request carried it', async () => {
    const old = await wire();
    const modern = await wire({ readOnly: false });
    expect(old.session.readOnly).toBeUndefined();
    expect(modern.session.readOnly).toBe(false);
    expect([old.session.timeoutMs, old.session.passwd.length]).toEqual([30_000, 16]);
    expect(old.sessionId).not.toBe(modern.sessionId);
    await Promise.all([old.close(), modern.close()]);
  });

  test('handshake: a wrong password gets timeout 0, session 0, zero password', async () => {
    const owner = await wire();
    const impostor = await wire({ sessionId: owner.sessionId, passwd: Buffer.alloc(16, 7) });
    expect(impostor.session.timeoutMs).toBe(0);
    expect(impostor.session.sessionId).toBe(0n);
    expect(impostor.session.passwd).toEqual(Buffer.alloc(16));
    expect(await within(impostor.closed, 5_000)).not.toBe('timeout');
    await owner.close();
  });

  test('handshake: resuming keeps id and password, closes the older connection', async () => {
    const first = await wire({ pingIntervalMs: null });
    const second = await wire({ sessionId: first.sessionId, passwd: first.session.passwd });
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.session.passwd).toEqual(first.session.passwd);
    expect(await within(first.closed, 5_000)).not.toBe('timeout');
    expect((await second.request({ type: 'exists', path: '/', watch: false })).err).toBe(0);
    await second.close();
  });

  test('handshake: a client that saw a newer zxid is refused without any answer', async () => {
    await expect(wire({ lastZxidSeen: 1n << 40n })).rejects.toThrow(/closed/);
  });

  test('handshake: requests pipelined behind the ConnectRequest are answered', async () => {
    const writer = new JuteWriter();
    encodeRequest(writer, 1, { type: 'exists', path: '/zookeeper', watch: false });
    encodeRequest(writer, 2, { type: 'getData', path: '/missing', watch: false });
    const bytes = Buffer.concat([connectFrame(), writer.take()]);
    const { host, port } = suite.server();
    const { frames } = await exchangeRaw({ host, port, bytes, waitMs: 5_000, framesWanted: 3 });
    expect(frames).toHaveLength(3);
    expect(decodeConnectResponse(frames[0] ?? Buffer.alloc(0)).timeoutMs).toBe(30_000);
    const headers = frames.slice(1).map((f) => decodeReplyHeader(new JuteReader(f)));
    expect(headers.map((h) => [h.xid, h.err])).toEqual([
      [1, 0],
      [2, -101],
    ]);
  });
}

/** Ping, reply order, notification framing and closeSession. */
function requestTests(suite: SuiteContext): void {
  const wire = wireClientsFor(suite);
  test('ping: the reply carries xid −2 and the zxid of the latest write', async () => {
    const client = await wire();
    const created = await client.request(create(suite.uniquePath('ping')));
    const ping = await client.request({ type: 'ping' });
    expect([ping.xid, ping.err, ping.zxid]).toEqual([-2, 0, created.zxid]);
    await client.close();
  });

  test('order: pipelined requests are answered in request order', async () => {
    const client = await wire();
    const path = suite.uniquePath('order');
    const requests: Promise<{ err: number }>[] = [client.request(create(path))];
    for (let i = 0; i < 60; i++) {
      const data = Buffer.from([i]);
      requests.push(client.request({ type: 'setData', path, data, version: i }));
      requests.push(client.request({ type: 'ping' }));
    }
    const results = await Promise.all(requests);
    expect(results.every((r) => r.err === 0)).toBe(true);
    await client.close();
  });

  test('notification: sent with xid −1 and zxid −1 (3.8) before the write reply', async () => {
    const client = await wire();
    const path = suite.uniquePath('note');
    await client.request(create(path));
    await client.request({ type: 'getData', path, watch: true });
    const write = client.request({ type: 'setData', path, data: null, version: -1 });
    const seenBeforeReply = write.then(() => client.takeNotifications());
    expect(await seenBeforeReply).toEqual([{ zxid: -1n, event: { type: 3, state: 3, path } }]);
    await client.close();
  });

  test('closeSession: replied, ephemerals deleted, then the socket is closed', async () => {
    const owner = await wire();
    const observer = await wire();
    const path = suite.uniquePath('close');
    expect((await owner.request(create(path, 1))).err).toBe(0);
    const reply = await owner.request({ type: 'closeSession' });
    expect(reply.err).toBe(0);
    expect(await within(owner.closed, 5_000)).not.toBe('timeout');
    expect((await observer.request({ type: 'exists', path, watch: false })).err).toBe(-101);
    await observer.close();
  });
}

/** Auth failure, whoAmI, unknown opcodes and four-letter words. */
function errorAndAdminTests(suite: SuiteContext): void {
  const wire = wireClientsFor(suite);
  test('auth: an unknown scheme answers AuthFailed and the connection is closed', async () => {
    const client = await wire();
    const reply = await client.request({
      type: 'auth',
      authType: 0,
      scheme: 'nosuchscheme',
      auth: Buffer.from('x'),
    });
    expect([reply.xid, reply.err]).toEqual([-4, -115]);
    expect(await within(client.closed, 5_000)).not.toBe('timeout');
  });

  test('whoAmI: lists the ip identity and every digest added on the connection', async () => {
    const client = await wire();
    const auth = { type: 'auth', authType: 0, scheme: 'digest' } as const;
    expect((await client.request({ ...auth, auth: Buffer.from('bob:pw') })).err).toBe(0);
    const reply = await client.request({ type: 'whoAmI' });
    const infos = reply.body?.type === 'whoAmI' ? reply.body.clientInfo : [];
    const summary = infos.map((info) => `${info.authScheme}:${info.user}`).sort();
    expect(summary).toEqual(['digest:bob', 'ip:127.0.0.1']);
    await client.close();
  });

  test('unknown opcode: Unimplemented with zxid −1, then the connection closes', async () => {
    const { host, port } = suite.server();
    const bytes = Buffer.concat([connectFrame(), headerOnlyFrame(5, 999)]);
    const exchange = await exchangeRaw({ host, port, bytes, waitMs: 5_000 });
    expect(exchange.frames).toHaveLength(2);
    const header = decodeReplyHeader(new JuteReader(exchange.frames[1] ?? Buffer.alloc(0)));
    expect(header).toEqual({ xid: 5, zxid: -1n, err: -6 });
    expect(exchange.isClosedByServer).toBe(true);
  });

  test('4lw: ruok answers imok; srvr reports the mode (standalone, or follower)', async () => {
    expect(await fourLetterWord(suite.server(), 'ruok')).toBe('imok');
    const srvr = await fourLetterWord(suite.server(), 'srvr');
    expect(srvr).toMatch(/^Zookeeper version: /);
    expect(srvr).toContain(`\nMode: ${suite.server().mode}\n`);
    expect(srvr).toMatch(/\nNode count: \d+\n/);
  });
}

for (const { target, isAvailable, reason } of targets) {
  const title = `wire protocol against ${target.name}`;
  describe.skipIf(!isAvailable)(isAvailable ? title : `${title} (SKIPPED: ${reason})`, () => {
    const suite = useTargetServer(target, { tickMs: 2000 });

    handshakeTests(suite);
    requestTests(suite);
    errorAndAdminTests(suite);
  });
}
