// One node of a snapshot read in place, for an encoder that writes it at once: a checkpoint's
// walk hands out the live node itself while it is untouched (no SnapshotNode, no copy of its
// data), or a view of the copy it kept of a node that changed under it.

import { assert } from '@zoo/client/protocol';
import type { SnapshotNode, SnapshotNodeView } from './tree-snapshot.js';

/**
 * A SnapshotNode read as a SnapshotNodeView: one object, pointed at node after node, so that a
 * stream of SnapshotNodes (a kept copy, a whole TreeSnapshot) feeds the same encoder.
 */
export class SnapshotNodeReader implements SnapshotNodeView {
  private node: SnapshotNode | null = null;

  /** Points the reader at `node`; valid until it is pointed at the next. */
  read(node: SnapshotNode): this {
    this.node = node;
    return this;
  }

  private get current(): SnapshotNode {
    assert(this.node !== null, 'a SnapshotNodeReader read before it was pointed at a node');
    return this.node;
  }

  get path(): string {
    return this.current.path;
  }
  /** The node's own buffer, as a live node hands out its large data: read it, never change it. */
  get data(): Buffer | null {
    return this.current.data;
  }
  get latin1Data(): string | null {
    return this.current.data?.toString('latin1') ?? null;
  }
  get dataLength(): number {
    return this.current.data?.length ?? 0;
  }
  get acl(): SnapshotNode['acl'] {
    return this.current.acl;
  }
  get czxid(): bigint {
    return this.current.czxid;
  }
  get mzxid(): bigint {
    return this.current.mzxid;
  }
  get pzxid(): bigint {
    return this.current.pzxid;
  }
  get ctimeMs(): number {
    return this.current.ctime;
  }
  get mtimeMs(): number {
    return this.current.mtime;
  }
  get version(): number {
    return this.current.version;
  }
  get childCreates(): number {
    return this.current.childCreates;
  }
  get aversion(): number {
    return this.current.aversion;
  }
  get ephemeralOwner(): bigint {
    return this.current.ephemeralOwner;
  }
}
