// Reads an ACL written as zkCli takes it: `scheme:id:perms` entries separated by commas, the id
// being everything between the first and the last colon (a digest id holds a colon itself).

import { Perms, type Acl } from '@zoo/client';
import { ShellError } from './shell-command.js';

const permsByLetter: ReadonlyMap<string, number> = new Map([
  ['r', Perms.read],
  ['w', Perms.write],
  ['c', Perms.create],
  ['d', Perms.delete],
  ['a', Perms.admin],
]);

/** ZooKeeper: AclParser.parse — but a malformed entry fails the command instead of vanishing. */
export function parseAcl(text: string): Acl[] {
  return text.split(',').map((entry) => {
    const firstColon = entry.indexOf(':');
    const lastColon = entry.lastIndexOf(':');
    if (firstColon === -1 || firstColon === lastColon) {
      throw new ShellError(`${entry} does not have the form scheme:id:perm`);
    }
    let perms = 0;
    for (const letter of entry.slice(lastColon + 1)) {
      const perm = permsByLetter.get(letter);
      if (perm === undefined) throw new ShellError(`Unknown perm type: ${letter}`);
      perms |= perm;
    }
    const id = { scheme: entry.slice(0, firstColon), id: entry.slice(firstColon + 1, lastColon) };
    return { perms, id };
  });
}
