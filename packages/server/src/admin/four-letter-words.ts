// The four-letter words (wire sheet §10): which 4-byte codes are words, the whitelist, and the
// text each word answers. Pure formatting of a ServerSnapshot; the runtime writes it and closes.

import { assert, assertNever } from '@zoo/client/protocol';
import { dumpText, envText, confText, dirsText, hashText, watchText } from './dump-output.js';
import type { ServerSnapshot } from './server-snapshot.js';
import { consText, mntrText, statText } from './stat-output.js';

const words = [
  'conf',
  'cons',
  'crst',
  'dirs',
  'dump',
  'envi',
  'gtmk',
  'ruok',
  'stmk',
  'srst',
  'srvr',
  'stat',
  'wchc',
  'wchp',
  'wchs',
  'mntr',
  'isro',
  'hash',
] as const;
export type FourLetterWord = (typeof words)[number];

/** The int32 a frame length reads as when the 4 ASCII bytes of a word arrive first. */
export function fourLetterWordCode(word: string): number {
  assert(word.length === 4, `a four-letter word has 4 characters: ${JSON.stringify(word)}`);
  return Buffer.from(word, 'latin1').readInt32BE(0);
}

/** int32 of the 4 ASCII bytes → word (ZooKeeper: FourLetterCommands.cmd2String). */
export const fourLetterWords: ReadonlyMap<number, string> = new Map(
  words.map((word) => [fourLetterWordCode(word), word]),
);

/** Telnet's "interrupt process" (0xfff4fffd): ZooKeeper closes the connection, no answer. */
export const telnetCloseCode = 0xfff4fffd | 0;

/** The text of a known word that the whitelist does not enable. */
export function notWhitelistedText(word: string): string {
  return `${word} is not executed because it is not in the whitelist.\n`;
}

const notServingText = 'This ZooKeeper instance is not currently serving requests';

/**
 * `zookeeper.4lw.commands.whitelist`: comma list, `*` = every word. `srvr` is always enabled
 * (zkServer.sh needs it), `isro` too when read-only mode is enabled
 * (ZooKeeper: FourLetterCommands.isEnabled). An empty spec gives the default, `srvr` only.
 */
export function parseWhitelist(
  spec: string,
  options: { isReadOnlyModeEnabled?: boolean } = {},
): ReadonlySet<string> {
  const enabled = new Set<string>();
  for (const item of spec.split(',')) {
    const word = item.trim();
    if (word === '*') {
      for (const known of words) enabled.add(known);
      break;
    }
    if (word !== '') enabled.add(word);
  }
  if (options.isReadOnlyModeEnabled === true) enabled.add('isro');
  enabled.add('srvr');
  return enabled;
}

/** A side effect the runtime performs before writing the answer, if the word is enabled. */
export type FourLetterWordAction =
  'none' | 'resetServerStats' | 'resetConnectionStats' | 'setTraceMask';

export function fourLetterWordAction(
  word: string,
  whitelist: ReadonlySet<string>,
): FourLetterWordAction {
  if (!whitelist.has(word)) return 'none';
  switch (word) {
    case 'srst':
      return 'resetServerStats';
    case 'crst':
      return 'resetConnectionStats';
    case 'stmk':
      return 'setTraceMask';
    default:
      return 'none';
  }
}

/**
 * The answer to a known word. `stmk` echoes `snapshot.traceMask`, so the runtime stores the mask
 * it read (8 more bytes) before taking the snapshot; `srst`/`crst` expect the reset done.
 */
export function runFourLetterWord(
  word: string,
  snapshot: ServerSnapshot,
  whitelist: ReadonlySet<string>,
): string {
  assert(isFourLetterWord(word), `not a four-letter word: ${JSON.stringify(word)}`);
  if (!whitelist.has(word)) return notWhitelistedText(word);
  switch (word) {
    // ZooKeeper: RuokCommand, TraceMaskCommand, SetTraceMaskCommand, EnvCommand — these answer
    // whether or not the server is serving.
    case 'ruok':
      return 'imok';
    case 'gtmk':
    case 'stmk':
      return snapshot.traceMask.toString();
    case 'envi':
      return envText(snapshot);
    case 'isro':
      return isroText(snapshot);
    case 'hash':
      return snapshot.isServing ? hashText(snapshot) : notServingText;
    case 'srvr':
    case 'stat':
      return whenServing(snapshot, () => statText(snapshot, word === 'stat'));
    case 'cons':
      return whenServing(snapshot, () => consText(snapshot));
    case 'mntr':
      return whenServing(snapshot, () => mntrText(snapshot));
    case 'conf':
      return whenServing(snapshot, () => confText(snapshot.config));
    case 'dirs':
      return whenServing(snapshot, () => dirsText(snapshot.config));
    case 'dump':
      return whenServing(snapshot, () => dumpText(snapshot));
    case 'wchs':
    case 'wchc':
    case 'wchp':
      return whenServing(snapshot, () => watchText(word, snapshot.watches));
    case 'srst':
      return whenServing(snapshot, () => 'Server stats reset.\n');
    case 'crst':
      return whenServing(snapshot, () => 'Connection stats reset.\n');
    default:
      return assertNever(word, 'four-letter word');
  }
}

/** ZooKeeper: AbstractFourLetterCommand.isZKServerRunning — most words need a serving server. */
function whenServing(snapshot: ServerSnapshot, text: () => string): string {
  return snapshot.isServing ? text() : `${notServingText}\n`;
}

function isroText(snapshot: ServerSnapshot): string {
  // ZooKeeper: IsroCommand — `null` when not serving, no newline in any case.
  if (!snapshot.isServing) return 'null';
  return snapshot.mode === 'read-only' ? 'ro' : 'rw';
}

function isFourLetterWord(word: string): word is FourLetterWord {
  return (words as readonly string[]).includes(word);
}
