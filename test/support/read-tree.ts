// One member's whole tree as it serves it, for comparing members: a client connected to that
// member alone syncs (so the member has applied everything committed before the read) and
// reads every znode's data and stat, depth first, into one line per znode.

import { createClient } from '@zoo/client';

/** One line per znode, sorted: its path, its stat's zxids, times and versions, owner, data. */
export async function readMemberTree(address: string): Promise<string[]> {
  const client = createClient(address, { sessionTimeoutMs: 10_000 });
  try {
    await client.sync('/');
    const lines: string[] = [];
    const pending = ['/'];
    while (pending.length > 0) {
      const batch = pending.splice(0, pending.length);
      await Promise.all(
        batch.map(async (path) => {
          const [{ data, stat }, children] = await Promise.all([
            client.getData(path),
            client.getChildren(path),
          ]);
          const { czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion } = stat;
          const fields = [czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion];
          const owner = stat.ephemeralOwner;
          lines.push(`${path} ${fields.join(' ')} ${owner} ${data?.toString('hex') ?? '-'}`);
          const prefix = path === '/' ? '/' : `${path}/`;
          for (const child of children) pending.push(`${prefix}${child}`);
        }),
      );
    }
    return lines.sort();
  } finally {
    await client.close().catch(() => undefined);
  }
}
