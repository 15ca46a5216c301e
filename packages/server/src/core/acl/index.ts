// ACL checks and fix-up for the server core (ZooKeeper: ZooKeeperServer.checkACL, fixupACL and
// the ip/digest authentication providers).

export type { Identity } from './identity.js';
export { checkAcl, isSuper } from './check-acl.js';
export { fixupAcl } from './fixup-acl.js';
export { hasProvider, isAuthenticatedScheme, isValidAclId, javaSplit } from './auth-providers.js';
