import { describe, expect, it } from 'vitest';
import { ErrorCode } from './error-code.js';
import { ZooError, replyError } from './zoo-error.js';

describe('replyError', () => {
  it('is the ZooError a reply code gives, with its code, path and message', () => {
    const error = replyError(ErrorCode.NoNode, '/a');
    const plain = new ZooError(ErrorCode.NoNode, '/a');
    expect(error).toBeInstanceOf(ZooError);
    expect(error.code).toBe(ErrorCode.NoNode);
    expect(error.path).toBe('/a');
    expect(error.message).toBe(plain.message);
    expect(error.codeName).toBe('NoNode');
  });

  it('captures no stack frames, and leaves the limit for other errors as it was', () => {
    const limit = Error.stackTraceLimit;
    const error = replyError(ErrorCode.BadVersion, '/b');
    expect(error.stack).not.toContain('\n    at ');
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new ZooError(ErrorCode.BadVersion).stack).toContain('\n    at ');
  });
});
