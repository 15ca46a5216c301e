// Raised for bytes that do not form a valid frame or record. The receiver closes that one
// connection (or answers MarshallingError for a bad request body) and carries on.

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}
