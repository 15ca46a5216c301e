// The ACL schemes a stock ZooKeeper 3.8 server registers (ProviderRegistry.initialize): `ip` and
// `digest`. Each answers "is this ACL id well formed" and "does this connection id match it".

/** ZooKeeper: DigestAuthenticationProvider / IPAuthenticationProvider.getScheme(). */
export function hasProvider(scheme: string): boolean {
  return scheme === 'ip' || scheme === 'digest';
}

/**
 * ZooKeeper: ServerAuthenticationProvider.isAuthenticated — only digest ids count when `auth`
 * ACL entries are expanded; `ip` says no and `super` has no provider at all.
 */
export function isAuthenticatedScheme(scheme: string): boolean {
  return scheme === 'digest';
}

/** ZooKeeper: AuthenticationProvider.isValid for the registered schemes. */
export function isValidAclId(scheme: string, id: string): boolean {
  if (scheme === 'digest') return javaSplit(id, ':').length === 2;
  if (scheme === 'ip') return isValidIpExpression(id);
  return false;
}

/** ZooKeeper: AuthenticationProvider.matches(connectionId, aclId) for the registered schemes. */
export function providerMatches(scheme: string, connectionId: string, aclId: string): boolean {
  if (scheme === 'digest') return connectionId === aclId;
  if (scheme === 'ip') return ipMatches(connectionId, aclId);
  return false;
}

/**
 * Java's String.split(regex) with a literal one-character separator and no limit: trailing empty
 * pieces are dropped, so `user:` has one piece and `:hash` two (DigestAuthenticationProvider).
 */
export function javaSplit(text: string, separator: string): string[] {
  if (text.length === 0) return [''];
  const pieces = text.split(separator);
  let end = pieces.length;
  while (end > 0 && pieces[end - 1] === '') end--;
  return pieces.slice(0, end);
}

// ZooKeeper 3.8: IPAuthenticationProvider understands IPv4 only ("a.b.c.d" or "a.b.c.d/bits");
// IPv6 ACL ids are invalid there (3.9 added IPv6).
function isValidIpExpression(expression: string): boolean {
  const slash = expression.indexOf('/');
  const address = parseIpv4(slash === -1 ? expression : expression.slice(0, slash));
  if (address === null) return false;
  return slash === -1 || parseBits(expression.slice(slash + 1)) !== null;
}

function ipMatches(connectionId: string, aclExpression: string): boolean {
  const slash = aclExpression.indexOf('/');
  const aclAddress = parseIpv4(slash === -1 ? aclExpression : aclExpression.slice(0, slash));
  if (aclAddress === null) return false;
  const bits = slash === -1 ? 32 : parseBits(aclExpression.slice(slash + 1));
  if (bits === null) return false;
  // Java reports an IPv4 client on a dual-stack socket as a.b.c.d; Node says ::ffff:a.b.c.d.
  const v4 = connectionId.startsWith('::ffff:') ? connectionId.slice(7) : connectionId;
  const remote = parseIpv4(v4);
  if (remote === null) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (remote & mask) >>> 0 === (aclAddress & mask) >>> 0;
}

/** Four dot-separated Java ints in 0..255 (Integer.parseInt accepts a sign). */
function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    const octet = parseJavaInt(part);
    if (octet === null || octet < 0 || octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

function parseBits(text: string): number | null {
  const bits = parseJavaInt(text);
  return bits === null || bits < 0 || bits > 32 ? null : bits;
}

function parseJavaInt(text: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(text)) return null;
  const value = Number(text);
  return value > 2147483647 || value < -2147483648 ? null : value;
}
