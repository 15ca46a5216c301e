// How the known differences (known-differences.ts) show in a case of the generated field test,
// where each server's answer is a list of frame lines (field-exchange.ts). Each matcher accepts
// only its exact pattern: every other frame must still be identical.

import { decodeRequest, type CreateRequest, type MultiOp } from './protocol.js';

export interface FieldCaseInput {
  opCode: number;
  /** The mutated request payload. */
  payload: Buffer;
  apache: { frames: string[]; isClosedEarly: boolean };
  zoo: { frames: string[]; isClosedEarly: boolean };
}

/** The ops of the mutated multi as Zoo decodes it, or null if it is no readable multi. */
function multiOps(input: FieldCaseInput): MultiOp[] | null {
  const decoded = decodeRequest(input.payload);
  return decoded.kind === 'request' && decoded.request.type === 'multi'
    ? decoded.request.ops
    : null;
}

/** The index of the reply to the mutated request in a frame list. */
function replyIndex(frames: readonly string[], xid: number): number {
  return frames.findIndex((line) => line.startsWith(`xid ${xid} `));
}

/** True when both runs are identical except for the mutated reply, which `isPair` accepts. */
function differsOnlyInReply(
  input: FieldCaseInput,
  isPair: (apache: string, zoo: string) => boolean,
): boolean {
  const { apache, zoo } = input;
  const xid = input.payload.readInt32BE(0);
  const index = replyIndex(apache.frames, xid);
  if (index < 0 || index !== replyIndex(zoo.frames, xid)) return false;
  if (apache.isClosedEarly !== zoo.isClosedEarly) return false;
  if (apache.frames.length !== zoo.frames.length) return false;
  const isRestEqual = apache.frames.every((line, i) => i === index || line === zoo.frames[i]);
  return isRestEqual && isPair(apache.frames[index] ?? '', zoo.frames[index] ?? '');
}

/** 3.8.0 decodes a create2 in a multi as a plain create: no stat in its result. */
export function isCreate2StatCase(input: FieldCaseInput): boolean {
  return differsOnlyInReply(input, (apache, zoo) => {
    const withoutStats = zoo.replace(
      /\{"type":"create","path":("[^"]*"),"stat":\{[^}]*\}\}/g,
      '{"type":"create","path":$1,"stat":null}',
    );
    return withoutStats !== zoo && withoutStats === apache;
  });
}

/**
 * 3.8.2+ refuses the whole multi while decoding (MarshallingError, an error txn); 3.8.0 fails
 * op by op, answering err 0 with the per-op errors. Both take one zxid and change nothing.
 */
export function isDecodeRefusalCase(
  input: FieldCaseInput,
  isSuspect: (op: CreateRequest) => boolean,
): boolean {
  const ops = multiOps(input);
  if (ops?.some((op) => op.type === 'create' && isSuspect(op)) !== true) return false;
  return differsOnlyInReply(input, (apache, zoo) => {
    const zxid = (line: string): string => line.split(' ')[3] ?? '';
    const isRefused = zoo.endsWith(' err -5 body ');
    const isFailedOpByOp = / err 0 body \{"type":"multi".*"type":"error","err":-[1-9]/.test(apache);
    return isRefused && isFailedOpByOp && zxid(apache) === zxid(zoo);
  });
}

/** A createContainer op in a multi: 3.8.0 decays it to a plain create, so the trees differ. */
export function hasContainerOp(input: FieldCaseInput): boolean {
  const ops = multiOps(input);
  return ops?.some((op) => op.type === 'create' && op.variant === 'createContainer') === true;
}

/**
 * A frame line with every relative zxid above `skipped` one lower. Only zxid tokens: `zxid z3` in
 * the header and `"z3"` in a body. A bare /z(\d+)/ also rewrote case paths whose random nonce
 * holds a z and a digit above the skipped zxid (`/fz7ge-000225`; about 2% of nonces), and the
 * gate then failed: the flake "multi field #13 ← null" (reproduced as field #24, nonce z7ge).
 */
export function shiftZxids(line: string, skipped: number): string {
  return line.replace(/(^|[ "])z(\d+)(?=[ "]|$)/g, (text, before: string, n: string) =>
    Number(n) > skipped ? `${before}z${Number(n) - 1}` : text,
  );
}

/**
 * A multi with a null op path: ZooKeeper takes a zxid, then fails before making a txn, so every
 * later zxid is one higher than Zoo's. Everything else must match.
 */
export function isSkippedZxidCase(input: FieldCaseInput): boolean {
  const decoded = decodeRequest(input.payload);
  const request = decoded.kind === 'request' ? decoded.request : null;
  if (request?.type !== 'multi' || request.isCutShortByNull !== true) return false;
  const xid = input.payload.readInt32BE(0);
  const index = replyIndex(input.apache.frames, xid);
  const skipped = Number(/ zxid z(\d+) /.exec(input.apache.frames[index] ?? '')?.[1] ?? NaN);
  const shifted = input.apache.frames.map((line, i) =>
    i <= index ? line : shiftZxids(line, skipped),
  );
  const isChanged = shifted.some((line, i) => line !== input.apache.frames[i]);
  return isChanged && JSON.stringify(shifted) === JSON.stringify(input.zoo.frames);
}
