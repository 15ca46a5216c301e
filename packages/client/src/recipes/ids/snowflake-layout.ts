// The bits of a Snowflake ID, after Twitter's: a zero sign bit, 41 bits of milliseconds since
// a custom epoch (about 69 years), a 10-bit worker id and a 12-bit sequence within the
// millisecond (4,096 IDs per millisecond per worker).

export const timestampBits = 41;
export const workerIdBits = 10;
export const sequenceBits = 12;
export const workerIdLimit = 2 ** workerIdBits - 1;
export const sequenceLimit = 2 ** sequenceBits - 1;
export const timestampLimitMs = 2 ** timestampBits - 1;

/** 2024-01-01T00:00:00Z: the default epoch, so IDs start small. */
export const snowflakeEpochMsDefault = Date.UTC(2024, 0, 1);

export interface SnowflakeParts {
  /** Milliseconds since the Unix epoch. */
  timestampMs: number;
  workerId: number;
  sequence: number;
}

/** Splits an ID made with `epochMs` into its timestamp, worker id and sequence. */
export function decodeSnowflakeId(id: bigint, epochMs = snowflakeEpochMsDefault): SnowflakeParts {
  if (id < 0n || id >= 2n ** 63n) throw new RangeError(`${id} is not a 63-bit Snowflake ID`);
  const sequence = Number(id & BigInt(sequenceLimit));
  const workerId = Number((id >> BigInt(sequenceBits)) & BigInt(workerIdLimit));
  const sinceEpochMs = Number(id >> BigInt(sequenceBits + workerIdBits));
  return { timestampMs: epochMs + sinceEpochMs, workerId, sequence };
}

/** The ID's upper bits for one millisecond and worker: add a sequence to get the ID. */
export function snowflakeBase(sinceEpochMs: number, workerId: number): bigint {
  const shifted = BigInt(sinceEpochMs) << BigInt(workerIdBits + sequenceBits);
  return shifted | (BigInt(workerId) << BigInt(sequenceBits));
}
