// The watermark of one Snowflake worker id: a persistent node holding, as JSON, which holder
// may issue IDs and up to which timestamp. Its reads, its encoding, and the takeover a new
// holder makes before issuing anything (see worker-lease.ts for why it fences holders).

import { ErrorCode } from '../../protocol/index.js';
import type { Clock } from '../../api/env.js';
import type { ZooClient } from '../../api/zoo-client.js';
import { RetryLater, retryIfTransient, retryWithBackoff } from '../support/retry.js';
import type { RetryContext } from '../support/retry.js';
import { hasCode } from '../support/zoo-error-kinds.js';

export interface Watermark {
  /** The GUID of the lease that wrote it. */
  holder: string;
  /** The holder may issue IDs with timestamps up to this (ms since the Unix epoch). */
  untilMs: number;
}

export interface WatermarkRead {
  /** Null when the node does not exist. */
  version: number | null;
  mark: Watermark | null;
}

export function watermarkData(mark: Watermark): string {
  return JSON.stringify({ holder: mark.holder, untilMs: mark.untilMs });
}

/** The node's watermark; other data is refused, since it cannot say which timestamps were used. */
function parseWatermark(data: Buffer | null, path: string): Watermark {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(data?.toString('utf8') ?? 'null');
  } catch {
    parsed = null;
  }
  if (typeof parsed === 'object' && parsed !== null && 'holder' in parsed && 'untilMs' in parsed) {
    const { holder, untilMs } = parsed;
    if (typeof holder === 'string' && typeof untilMs === 'number' && Number.isFinite(untilMs)) {
      return { holder, untilMs };
    }
  }
  throw new RangeError(`${path} does not hold a Snowflake watermark`);
}

export async function readWatermark(client: ZooClient, path: string): Promise<WatermarkRead> {
  try {
    const { data, stat } = await client.getData(path);
    return { version: stat.version, mark: parseWatermark(data, path) };
  } catch (error) {
    if (hasCode(error, ErrorCode.NoNode)) return { version: null, mark: null };
    throw error;
  }
}

export interface TakeOver {
  path: string;
  holder: string;
  reserveMs: number;
  wallClock: Clock;
  retry: RetryContext;
}

/** What a new holder got: the node's version, the old reservation, and its own. */
export interface TakenOver {
  version: number;
  floorMs: number;
  untilMs: number;
}

/**
 * Writes this holder into the watermark, conditionally on the version read, reserving
 * `reserveMs` past the later of its clock and the old reservation. The floor is the highest
 * old reservation seen on any read, so a takeover whose reply was lost and that is found
 * applied on a later read still knows what it replaced.
 */
export async function takeOverWatermark(client: ZooClient, take: TakeOver): Promise<TakenOver> {
  let floorMs = -1;
  return retryWithBackoff(take.retry, async () => {
    let read: WatermarkRead;
    try {
      read = await readWatermark(client, take.path);
    } catch (error) {
      return retryIfTransient(error);
    }
    if (read.mark !== null && read.version !== null && read.mark.holder === take.holder) {
      return { version: read.version, floorMs, untilMs: read.mark.untilMs };
    }
    floorMs = Math.max(floorMs, read.mark?.untilMs ?? -1);
    const untilMs = Math.max(Math.floor(take.wallClock.nowMs()), floorMs) + take.reserveMs;
    const data = watermarkData({ holder: take.holder, untilMs });
    try {
      if (read.version === null) await client.create(take.path, data);
      const version =
        read.version === null ? 0 : (await client.setData(take.path, data, read.version)).version;
      return { version, floorMs, untilMs };
    } catch (error) {
      const isClash = hasCode(error, ErrorCode.BadVersion, ErrorCode.NodeExists, ErrorCode.NoNode);
      return isClash ? new RetryLater(error) : retryIfTransient(error);
    }
  });
}
