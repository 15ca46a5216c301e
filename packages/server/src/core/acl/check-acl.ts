// The ACL check of every read and write. ZooKeeper: ZooKeeperServer.checkACL — an empty list or a
// super identity allows everything; otherwise some entry with a required bit must match.

import type { Acl } from '@zoo/client/protocol';
import { providerMatches } from './auth-providers.js';
import type { Identity } from './identity.js';

/** True when the connection holds the `super` identity (superDigest or a SASL super user). */
export function isSuper(ids: readonly Identity[]): boolean {
  // Indexed loops here and below: this runs on every read and write, and an iterator that is
  // not optimized away is garbage per call.
  for (let i = 0; i < ids.length; i++) {
    if (ids[i]?.scheme === 'super') return true;
  }
  return false;
}

/**
 * Whether `ids` may do an operation needing any bit of `perm` on a node guarded by `acl`.
 * (`skipACL` is the caller's switch: it never calls this when ACLs are skipped.)
 */
export function checkAcl(acl: readonly Acl[], perm: number, ids: readonly Identity[]): boolean {
  if (acl.length === 0 || isSuper(ids)) return true;
  for (let i = 0; i < acl.length; i++) {
    const entry = acl[i];
    if (entry === undefined || (entry.perms & perm) === 0) continue;
    const { scheme, id } = entry.id;
    if (scheme === 'world' && id === 'anyone') return true;
    for (let j = 0; j < ids.length; j++) {
      const identity = ids[j];
      if (identity?.scheme === scheme && providerMatches(scheme, identity.id, id)) return true;
    }
  }
  return false;
}
