// Wires the bugs planted in the simulated network (client links and peer mesh) for a run.

import type { PlantedBug } from '../scenario.js';
import type { ClientLinks } from './client-links.js';
import type { PeerMesh } from './peer-mesh.js';
import { zeroLastZxidSeen } from './planted-link-bugs.js';
import { answerRevalidationAtOnce } from './planted-peer-bugs.js';

/**
 * `staleResume` plants both halves of a learner that takes a resumed session from a stale view:
 * either alone is covered by the other safeguard (a zeroed lastZxidSeen by the revalidation
 * answered behind the leader's commits; an unwaited revalidation by the lastZxidSeen guard).
 */
export function plantNetworkBugs(
  bug: PlantedBug | undefined,
  network: { links: ClientLinks; mesh: PeerMesh },
): void {
  if (bug === 'lastZxidSeenZeroed' || bug === 'staleResume') {
    network.links.rewriteFirstWrite = zeroLastZxidSeen;
  }
  if (bug === 'staleResume') network.mesh.rewriteSend = answerRevalidationAtOnce;
}
