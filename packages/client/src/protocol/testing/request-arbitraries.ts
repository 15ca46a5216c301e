// fast-check generators for client write requests (create, delete, setData, check, setACL, multi),
// built from the caller's field arbitraries: the codec tests draw any bytes, the peer codec what a
// follower forwards, the prep property and the differential test a small namespace.

import fc from 'fast-check';
import type {
  Acl,
  CheckRequest,
  CreateRequest,
  CreateVariant,
  DeleteRequest,
  MultiOp,
  MultiRequest,
  SetAclRequest,
  SetDataRequest,
} from '../index.js';

/** What the fields of a write request are drawn from. */
export interface WriteFieldArbitraries {
  path: fc.Arbitrary<string>;
  data: fc.Arbitrary<Buffer | null>;
  version: fc.Arbitrary<number>;
  acl: fc.Arbitrary<Acl[]>;
}

/** Any create: every opcode variant with any flags; a ttl only on createTTL, as on the wire. */
export function anyCreateArbitrary(
  fields: Omit<WriteFieldArbitraries, 'version'> & {
    flags: fc.Arbitrary<number>;
    ttl: fc.Arbitrary<bigint>;
  },
): fc.Arbitrary<CreateRequest> {
  return fc
    .record({
      variant: fc.constantFrom<CreateVariant>('create', 'create2', 'createContainer', 'createTTL'),
      path: fields.path,
      data: fields.data,
      acl: fields.acl,
      flags: fields.flags,
      ttl: fields.ttl,
    })
    .map((r) => ({ type: 'create', ...r, ttl: r.variant === 'createTTL' ? r.ttl : -1n }));
}

export function deleteArbitrary(
  fields: Pick<WriteFieldArbitraries, 'path' | 'version'>,
): fc.Arbitrary<DeleteRequest> {
  return fc.record({
    type: fc.constant('delete' as const),
    path: fields.path,
    version: fields.version,
  });
}

export function setDataArbitrary(
  fields: Pick<WriteFieldArbitraries, 'path' | 'data' | 'version'>,
): fc.Arbitrary<SetDataRequest> {
  return fc.record({
    type: fc.constant('setData' as const),
    path: fields.path,
    data: fields.data,
    version: fields.version,
  });
}

export function checkArbitrary(
  fields: Pick<WriteFieldArbitraries, 'path' | 'version'>,
): fc.Arbitrary<CheckRequest> {
  return fc.record({
    type: fc.constant('check' as const),
    path: fields.path,
    version: fields.version,
  });
}

export function setAclArbitrary(
  fields: Pick<WriteFieldArbitraries, 'path' | 'acl' | 'version'>,
): fc.Arbitrary<SetAclRequest> {
  return fc.record({
    type: fc.constant('setACL' as const),
    path: fields.path,
    acl: fields.acl,
    version: fields.version,
  });
}

/** A multi of up to `opsMax` ops drawn from `op`. */
export function multiArbitrary(
  op: fc.Arbitrary<MultiOp>,
  opsMax: number,
): fc.Arbitrary<MultiRequest> {
  return fc.record({
    type: fc.constant('multi' as const),
    ops: fc.array(op, { maxLength: opsMax }),
  });
}

/** Every write over the same fields; multiOp picks one of the four multi op kinds evenly. */
export interface WriteRequestArbitraries {
  create: fc.Arbitrary<CreateRequest>;
  delete: fc.Arbitrary<DeleteRequest>;
  setData: fc.Arbitrary<SetDataRequest>;
  check: fc.Arbitrary<CheckRequest>;
  setACL: fc.Arbitrary<SetAclRequest>;
  multiOp: fc.Arbitrary<MultiOp>;
}

/** The writes over `fields`, with the caller's creates (see anyCreateArbitrary). */
export function writeRequestArbitraries(
  fields: WriteFieldArbitraries & { create: fc.Arbitrary<CreateRequest> },
): WriteRequestArbitraries {
  const { create } = fields;
  const del = deleteArbitrary(fields);
  const setData = setDataArbitrary(fields);
  const check = checkArbitrary(fields);
  return {
    create,
    delete: del,
    setData,
    check,
    setACL: setAclArbitrary(fields),
    multiOp: fc.oneof(create, del, setData, check),
  };
}
