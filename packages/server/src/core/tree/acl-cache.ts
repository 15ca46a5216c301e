// Interns ACL lists so the many nodes that share one ACL share one frozen array, and forgets a list
// when its last node goes. ZooKeeper: ReferenceCountedACLCache.

import type { Acl } from '@zoo/client/protocol';
import { assert } from '@zoo/client/protocol';

interface Entry {
  acl: readonly Acl[];
  refs: number;
}

export class AclCache {
  private readonly byKey = new Map<string, Entry>();
  private readonly keyOf = new Map<readonly Acl[], string>();
  /** The list interned last: most writes in a row carry the same ACL (a fresh copy of it). */
  private last: Entry | null = null;

  /** The shared copy of `acl`, its reference count raised by one. */
  intern(acl: readonly Acl[]): readonly Acl[] {
    const last = this.last;
    // An entry whose count fell to 0 is gone from byKey: it must not come back this way.
    if (last !== null && last.refs > 0 && isSameAcl(last.acl, acl)) {
      last.refs++;
      return last.acl;
    }
    const known = this.keyOf.get(acl);
    const key = known ?? aclKey(acl);
    let entry = this.byKey.get(key);
    if (entry === undefined) {
      const copy = Object.freeze(
        acl.map((a) => Object.freeze({ perms: a.perms, id: Object.freeze({ ...a.id }) })),
      );
      entry = { acl: copy, refs: 0 };
      this.byKey.set(key, entry);
      this.keyOf.set(copy, key);
    }
    entry.refs++;
    this.last = entry;
    return entry.acl;
  }

  /** Drops one reference to an interned list. */
  release(acl: readonly Acl[]): void {
    const key = this.keyOf.get(acl);
    assert(key !== undefined, 'release of an ACL list that was never interned');
    const entry = this.byKey.get(key);
    assert(entry !== undefined && entry.refs > 0, () => `ACL refcount underflow for ${key}`);
    entry.refs--;
    if (entry.refs === 0) {
      this.byKey.delete(key);
      this.keyOf.delete(acl);
    }
  }

  /** Number of distinct lists held. */
  get size(): number {
    return this.byKey.size;
  }

  /** References held for an interned list (0 if unknown); for invariants and tests. */
  refsOf(acl: readonly Acl[]): number {
    const key = this.keyOf.get(acl);
    return key === undefined ? 0 : (this.byKey.get(key)?.refs ?? 0);
  }
}

function aclKey(acl: readonly Acl[]): string {
  let key = '';
  for (const a of acl) {
    key += `${a.perms}\u0000${a.id.scheme.length}:${a.id.scheme}${a.id.id.length}:${a.id.id}\u0001`;
  }
  return key;
}

/** Same entries in the same order: what aclKey would tell, without building the key. */
function isSameAcl(a: readonly Acl[], b: readonly Acl[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || x.perms !== y.perms) return false;
    if (x.id.scheme !== y.id.scheme || x.id.id !== y.id.id) return false;
  }
  return true;
}
