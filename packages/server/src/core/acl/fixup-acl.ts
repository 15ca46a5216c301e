// Validates and expands the ACL list of a create or setACL before it is stored.
// ZooKeeper: PrepRequestProcessor.fixupACL (and removeDuplicates): an empty or null list, a null
// scheme or an unknown one is InvalidACL (−114); where Java would dereference a null id it
// throws, and the request answers MarshallingError (−5).

import { ErrorCode } from '@zoo/client/protocol';
import type { Acl, RequestAcl } from '@zoo/client/protocol';
import { hasProvider, isAuthenticatedScheme, isValidAclId } from './auth-providers.js';
import type { Identity } from './identity.js';

/**
 * Drops exact duplicates, keeps `world:anyone`, replaces each `auth:*` entry by one entry per
 * authenticated (digest) identity of the caller, and checks every other id with its provider.
 * Returns the ACL to store, or the error code the request answers.
 */
export function fixupAcl(
  acl: readonly RequestAcl[] | null,
  ids: readonly Identity[],
): Acl[] | number {
  if (acl === null) return ErrorCode.InvalidAcl;
  const unique = removeDuplicates(acl);
  if (typeof unique === 'number') return unique;
  if (unique.length === 0) return ErrorCode.InvalidAcl;
  const fixed: Acl[] = [];
  for (const entry of unique) {
    const { scheme, id } = entry.id;
    if (scheme === null) return ErrorCode.InvalidAcl;
    if (scheme === 'world' && id === null) return ErrorCode.MarshallingError;
    if (scheme === 'world' && id === 'anyone') {
      fixed.push({ perms: entry.perms, id: { scheme, id } });
    } else if (scheme === 'auth') {
      // ZooKeeper: the auth id's own text (null too) is ignored; expansion follows de-duplication.
      let expanded = false;
      for (const identity of ids) {
        if (hasProvider(identity.scheme) && isAuthenticatedScheme(identity.scheme)) {
          fixed.push({ perms: entry.perms, id: { scheme: identity.scheme, id: identity.id } });
          expanded = true;
        }
      }
      if (!expanded) return ErrorCode.InvalidAcl;
    } else if (!hasProvider(scheme)) {
      return ErrorCode.InvalidAcl;
    } else if (id === null) {
      // The provider's isValid(null) throws in ZooKeeper.
      return ErrorCode.MarshallingError;
    } else if (isValidAclId(scheme, id)) {
      fixed.push({ perms: entry.perms, id: { scheme, id } });
    } else {
      return ErrorCode.InvalidAcl;
    }
  }
  return fixed;
}

/**
 * ZooKeeper keeps the first of equal entries (ArrayList.contains, so Jute's ACL.equals): comparing
 * an entry whose scheme — or, with an equal scheme, whose id — is null throws there.
 */
function removeDuplicates(acl: readonly RequestAcl[]): RequestAcl[] | number {
  const unique: RequestAcl[] = [];
  for (const entry of acl) {
    let isDuplicate = false;
    for (const kept of unique) {
      if (kept.perms !== entry.perms) continue;
      if (entry.id.scheme === null) return ErrorCode.MarshallingError;
      if (entry.id.scheme !== kept.id.scheme) continue;
      if (entry.id.id === null) return ErrorCode.MarshallingError;
      if (entry.id.id === kept.id.id) {
        isDuplicate = true;
        break;
      }
    }
    if (!isDuplicate) unique.push(entry);
  }
  return unique;
}
