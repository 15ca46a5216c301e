// Generated field-level differential test: for every request opcode Zoo decodes, a well-formed
// baseline is encoded and its fields are found by tracing Zoo's own decoder (field-trace.ts), so
// a new field is covered without editing this file. fast-check replaces one field at a time with
// null, empty, negative, too long, non-BMP, invalid UTF-8 or unknown values, the same raw frames
// go to Apache ZooKeeper 3.8, to Zoo and to a follower of a 3-member Zoo ensemble, and every
// frame that comes back (headers, bodies, watch events) and whether the connection closed early
// must agree. Known differences are gated by the one table in support/known-differences.ts.
//
// Longer runs: ZOO_FIELDS_RUNS=<variants per field> (default 2); ZOO_FIELDS_ENSEMBLE=0 leaves the
// follower out; replay: ZOO_FIELDS_SEED=<seed>. The follower answers every case, not a share of
// them: a read of `/` lists every case's base, so all servers must have seen the same cases.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { baselineRequests, xidFor } from './support/field-baselines.js';
import { runFieldCase, type CaseOutcome } from './support/field-exchange.js';
import { requestFields, spliceField, type FieldSpan } from './support/field-trace.js';
import { fieldVariants, type FieldVariant } from './support/field-variants.js';
import { fieldDifference } from './support/known-differences.js';
import {
  decodeRequest,
  encodeRequest,
  JuteWriter,
  OpCode,
  type Request,
} from './support/protocol.js';
import { useTargetServer } from './support/target-suite.js';
import { apacheTarget, resolveTargets, warnUnavailable } from './support/targets.js';

const targets = await resolveTargets({ ensemble: true });
warnUnavailable('differential-fields', targets);
const apache = targets.find((t) => t.target.name === 'apache');
const zoo = targets.find((t) => t.target.name === 'zoo');
const ensemble = targets.find((t) => t.target.name === 'zoo-ensemble');

const numRuns = Number(process.env['ZOO_FIELDS_RUNS'] ?? 2);
/** Whether the ensemble's follower answers the cases too (its request path). */
const withEnsemble = process.env['ZOO_FIELDS_ENSEMBLE'] !== '0';
const seedText = process.env['ZOO_FIELDS_SEED'];
const seed = seedText === undefined ? {} : { seed: Number(seedText) };
/** Bases of one length keep every field at the same offset from case to case. */
const nonce = Math.floor(Math.random() * 36 ** 4)
  .toString(36)
  .padStart(4, '0');
let counter = 0;
const nextBase = (): string => `/f${nonce}-${String((counter += 1)).padStart(6, '0')}`;

function payloadOf(request: Request): Buffer {
  const writer = new JuteWriter({ initialBytes: 256 });
  encodeRequest(writer, xidFor(request), request);
  return writer.take().subarray(4);
}

const opCodeNames = new Map<number, string>(Object.entries(OpCode).map(([k, v]) => [v, k]));
const baselines = [...baselineRequests(nextBase())].map(([opCode, request]) => ({
  opCode,
  name: opCodeNames.get(opCode) ?? `${opCode}`,
  fields: requestFields(payloadOf(request)),
}));

test('every opcode Zoo decodes has a baseline, and each baseline decodes', () => {
  const decodable = [...opCodeNames.keys()].filter((opCode) => {
    const payload = Buffer.alloc(64);
    payload.writeInt32BE(opCode, 4);
    return decodeRequest(payload).kind !== 'unknownOp';
  });
  const byValue = (a: number, b: number): number => a - b;
  expect(baselines.map((b) => b.opCode).sort(byValue)).toEqual(decodable.sort(byValue));
  const fieldCount = baselines.reduce((total, b) => total + b.fields.length, 0);
  console.info(`[differential-fields] ${baselines.length} opcodes, ${fieldCount} fields`);
});

function describeCase(name: string, field: FieldSpan, variant: FieldVariant): string {
  return `${name} field ${field.label} ← ${variant.name}`;
}

const isRunnable = apache?.isAvailable === true && zoo?.isAvailable === true;
const title = 'differential fields: Zoo against Apache ZooKeeper 3.8';
const skipReason = apache?.isAvailable === true ? zoo?.reason : apache?.reason;
describe.skipIf(!isRunnable)(isRunnable ? title : `${title} (SKIPPED: ${skipReason})`, () => {
  const options = { tickMs: 2000, containerCheckIntervalMs: 3_600_000 };
  const apacheSuite = useTargetServer(apacheTarget, options);
  const zooSuite = useTargetServer(zoo?.target ?? apacheTarget, options);
  const hasFollower = ensemble?.isAvailable === true && withEnsemble;
  const followerSuite = hasFollower ? useTargetServer(ensemble.target, options) : null;
  const gated = new Map<string, number>();

  async function compareCase(opCode: number, fieldIndex: number, variant: FieldVariant) {
    const base = nextBase();
    const request = baselineRequests(base).get(opCode);
    if (request === undefined) throw new Error(`no baseline for ${opCode}`);
    const payload = payloadOf(request);
    const field = requestFields(payload)[fieldIndex];
    if (field === undefined) throw new Error(`no field ${fieldIndex} in ${opCode}`);
    const mutated = spliceField(payload, field, variant.bytes);
    const suites = [apacheSuite, zooSuite];
    if (followerSuite !== null) suites.push(followerSuite);
    const [a, ...zoos] = await Promise.all(
      suites.map((suite) => runFieldCase(suite.server(), base, mutated)),
    );
    return { apache: a as CaseOutcome, zoos: zoos as CaseOutcome[], field, payload: mutated };
  }

  for (const { opCode, name, fields } of baselines) {
    test(`${name} (${opCode}): ${fields.length} fields, each as ZooKeeper reads it`, async () => {
      for (const [fieldIndex, field] of fields.entries()) {
        const original = payloadOf(baselineRequests(nextBase()).get(opCode) as Request);
        const rest = original.length - field.end;
        const variants = fieldVariants(field.kind, original.subarray(field.start, field.end), rest);
        await fc.assert(
          fc.asyncProperty(variants, async (variant) => {
            const outcome = await compareCase(opCode, fieldIndex, variant);
            for (const [index, zooOutcome] of outcome.zoos.entries()) {
              const target = index === 0 ? 'zoo' : 'zoo-ensemble follower';
              const isEqual = JSON.stringify(zooOutcome) === JSON.stringify(outcome.apache);
              const compared = { opCode, ...outcome, zoo: zooOutcome };
              const difference = isEqual ? null : fieldDifference(compared);
              if (difference !== null) {
                gated.set(difference, (gated.get(difference) ?? 0) + 1);
                continue;
              }
              const label = `${describeCase(name, field, variant)} on ${target}`;
              expect({ label, ...zooOutcome }).toEqual({ label, ...outcome.apache });
            }
          }),
          { numRuns, ...seed },
        );
      }
    }, 300_000);
  }

  test('gated known differences', () => {
    console.info(`[differential-fields] gated: ${JSON.stringify([...gated])}`);
  });
});
