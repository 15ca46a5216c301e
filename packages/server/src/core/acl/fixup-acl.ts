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
 * Returns the ACL to store, or the error code the request answers. A list that is stored as it
 * came (most creates carry world:anyone alone) is returned itself, not copied: nothing changes a
 * request's list, and the tree interns a copy of its own.
 */
export function fixupAcl(
  acl: readonly RequestAcl[] | null,
  ids: readonly Identity[],
): readonly Acl[] | number {
  if (acl === null) return ErrorCode.InvalidAcl;
  return isStoredAsIs(acl) ? acl : expandAcl(acl, ids);
}

/**
 * Whether expandAcl would copy `acl` entry for entry: no null, no duplicate, no `auth` entry, and
 * every id world:anyone or valid for its provider.
 */
function isStoredAsIs(acl: readonly RequestAcl[]): acl is readonly Acl[] {
  if (acl.length === 0) return false;
  for (let i = 0; i < acl.length; i++) {
    const entry = acl[i];
    if (entry === undefined) return false;
    const { scheme, id } = entry.id;
    if (scheme === null || id === null || scheme === 'auth') return false;
    const isKept =
      (scheme === 'world' && id === 'anyone') || (hasProvider(scheme) && isValidAclId(scheme, id));
    if (!isKept) return false;
    for (let j = 0; j < i; j++) {
      const kept = acl[j];
      if (kept?.perms === entry.perms && kept.id.scheme === scheme && kept.id.id === id) {
        return false;
      }
    }
  }
  return true;
}

/** The fix-up entry by entry, into a new list (exported for the test that compares the two). */
export function expandAcl(acl: readonly RequestAcl[], ids: readonly Identity[]): Acl[] | number {
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
