// The hostile-frame fuzzer, run as its own process (so that its CPU and memory are not the
// server's): keeps `concurrency` connections busy with hostile scripts until `frames` frames are
// sent, then prints one JSON line of FuzzReport. Each connection writes its script and reads
// (and counts) what comes back until the server closes it, the script's marker request is
// answered, or the server has been quiet for a while (it waits for the rest of a lying frame);
// then it drops the connection.
//
// node --import tsx --conditions=zoo-source frame-fuzz-child.ts '{"host":…,"port":…,…}'

import net from 'node:net';
import { FrameReader, decodeConnectResponse } from './protocol.js';
import { FuzzRandom, hostileScript, markerXid } from './hostile-frames.js';
import type { HostileScript, ResumableSession } from './hostile-frames.js';

export interface FuzzPlan {
  host: string;
  port: number;
  frames: number;
  seed: number;
  concurrency: number;
  sessionTimeoutMs: number;
  /** Source addresses to spread connections over (each has its own maxClientCnxns budget). */
  localAddresses: string[];
}

export interface FuzzReport {
  seed: number;
  frames: number;
  connections: number;
  /** Replies received, and those carrying a non-zero error code. */
  replies: number;
  errorReplies: number;
  /** Connections still busy 10 s after they opened (the server kept them waiting). */
  hung: number;
  /** Connections the server closed (a malformed frame, an unknown op, a closeSession…). */
  closedByServer: number;
  /** Connections refused or reset before the script was written. */
  refused: number;
  /** Connections that resumed another connection's session, and those the server let in. */
  resumes: number;
  resumesAccepted: number;
  elapsedMs: number;
}

/** Sessions the fuzz's connections were given, newest last, for later scripts to resume. */
const sessions: ResumableSession[] = [];
const sessionsKept = 64;

/** Notes the session a ConnectResponse gives; true if it is one (not the "expired" answer). */
function noteSession(frame: Buffer): boolean {
  try {
    const response = decodeConnectResponse(frame);
    if (response.sessionId === 0n) return false;
    sessions.push({ sessionId: response.sessionId, passwd: Buffer.from(response.passwd) });
    if (sessions.length > sessionsKept) sessions.shift();
    return true;
  } catch {
    return false;
  }
}

/**
 * Silence after which the server is taken to wait for bytes that never come: short for garbage
 * sent before a handshake, long while a session's marker reply may still come (a loaded machine
 * can take a while to create a session).
 */
const quietMs = { noMarker: 150, marker: 2_000 };
const hungMs = 10_000;

function runConnection(
  plan: FuzzPlan,
  script: HostileScript & { isResume: boolean },
  localAddress: string,
  report: FuzzReport,
): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: plan.host, port: plan.port, localAddress });
    const reader = new FrameReader({ packetBytesMax: 1 << 30 });
    let hasConnectResponse = false;
    let isConnected = false;
    let isDropped = false;
    const drop = (): void => {
      isDropped = true;
      socket.destroy();
    };
    const waitMs = script.hasMarker ? quietMs.marker : quietMs.noMarker;
    let quiet = setTimeout(drop, waitMs);
    const hung = setTimeout(() => {
      report.hung += 1;
      drop();
    }, hungMs);
    socket.on('connect', () => {
      isConnected = true;
      for (const chunk of script.chunks) socket.write(chunk);
    });
    socket.on('data', (chunk: Buffer) => {
      clearTimeout(quiet);
      quiet = setTimeout(drop, waitMs);
      reader.push(chunk);
      for (let frame = reader.next(); frame !== null; frame = reader.next()) {
        // The first frame back is the ConnectResponse; every later one a reply or notification.
        if (!hasConnectResponse) {
          hasConnectResponse = true;
          if (noteSession(frame) && script.isResume) report.resumesAccepted += 1;
          continue;
        }
        if (frame.length < 16 || frame.readInt32BE(0) === -1) continue;
        report.replies += 1;
        if (frame.readInt32BE(12) !== 0) report.errorReplies += 1;
        if (frame.readInt32BE(0) === markerXid) setImmediate(drop);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(quiet);
      clearTimeout(hung);
      if (!isConnected) report.refused += 1;
      else if (!isDropped) report.closedByServer += 1;
      resolve();
    });
  });
}

export async function fuzz(plan: FuzzPlan): Promise<FuzzReport> {
  const random = new FuzzRandom(plan.seed);
  const report: FuzzReport = {
    seed: plan.seed,
    frames: 0,
    connections: 0,
    replies: 0,
    errorReplies: 0,
    hung: 0,
    closedByServer: 0,
    refused: 0,
    resumes: 0,
    resumesAccepted: 0,
    elapsedMs: 0,
  };
  const startedAt = performance.now();
  const lane = async (index: number): Promise<void> => {
    const localAddress = plan.localAddresses[index % plan.localAddresses.length] ?? '127.0.0.1';
    while (report.frames < plan.frames) {
      // A quarter of the scripts resume a session some connection (maybe one still open) got.
      // Which one depends on timing, so a seed replays the bytes but not always the resumes.
      const resume = random.next() < 0.25 ? (sessions.at(-random.int(1, 8)) ?? null) : null;
      const script = {
        ...hostileScript(random, plan.sessionTimeoutMs, resume),
        isResume: resume !== null,
      };
      if (script.isResume) report.resumes += 1;
      report.frames += script.frames;
      report.connections += 1;
      await runConnection(plan, script, localAddress, report);
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, (_, index) => lane(index)));
  report.elapsedMs = Math.round(performance.now() - startedAt);
  return report;
}

const argument = process.argv[2];
if (argument !== undefined) {
  const report = await fuzz(JSON.parse(argument) as FuzzPlan);
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
