// Validates and expands the ACL list of a create or setACL before it is stored.
// ZooKeeper: PrepRequestProcessor.fixupACL (and removeDuplicates); null means InvalidACL (−114).

import type { Acl } from '@zoo/client/protocol';
import { hasProvider, isAuthenticatedScheme, isValidAclId } from './auth-providers.js';
import type { Identity } from './identity.js';

/**
 * Drops exact duplicates, keeps `world:anyone`, replaces each `auth:*` entry by one entry per
 * authenticated (digest) identity of the caller, and checks every other id with its provider.
 * Returns null when the list is null or empty, or any entry is invalid.
 */
export function fixupAcl(acl: readonly Acl[] | null, ids: readonly Identity[]): Acl[] | null {
  if (acl === null) return null;
  const unique = removeDuplicates(acl);
  if (unique.length === 0) return null;
  const fixed: Acl[] = [];
  for (const entry of unique) {
    const { scheme, id } = entry.id;
    if (scheme === 'world' && id === 'anyone') {
      fixed.push(entry);
    } else if (scheme === 'auth') {
      // ZooKeeper: the auth id's own text is ignored; expansion happens after de-duplication.
      let expanded = false;
      for (const identity of ids) {
        if (hasProvider(identity.scheme) && isAuthenticatedScheme(identity.scheme)) {
          fixed.push({ perms: entry.perms, id: { scheme: identity.scheme, id: identity.id } });
          expanded = true;
        }
      }
      if (!expanded) return null;
    } else if (isValidAclId(scheme, id)) {
      fixed.push(entry);
    } else {
      return null;
    }
  }
  return fixed;
}

function removeDuplicates(acl: readonly Acl[]): Acl[] {
  const unique: Acl[] = [];
  for (const entry of acl) {
    if (!unique.some((kept) => sameAcl(kept, entry))) unique.push(entry);
  }
  return unique;
}

function sameAcl(a: Acl, b: Acl): boolean {
  return a.perms === b.perms && a.id.scheme === b.id.scheme && a.id.id === b.id.id;
}
