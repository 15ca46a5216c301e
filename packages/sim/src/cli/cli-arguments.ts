// The command line's argument parsers: each turns one option's text into its value or throws
// commander's InvalidArgumentError naming what it expected.

import { InvalidArgumentError } from 'commander';
import { faultKinds, type FaultKind } from '../scenario.js';
import { parseDuration } from './parse-duration.js';

export function wholeNumber(min: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < min || text.trim() === '') {
      throw new InvalidArgumentError(`expected a whole number ≥ ${min}, got '${text}'`);
    }
    return value;
  };
}

export function durationArgument(text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

/** `all`, `none`, or a comma list of fault kinds. */
export function parseFaults(text: string): FaultKind[] {
  const trimmed = text.trim();
  if (trimmed === 'all') return [...faultKinds];
  if (trimmed === 'none' || trimmed === '') return [];
  const kinds: FaultKind[] = [];
  for (const name of trimmed.split(',').map((part) => part.trim())) {
    const kind = faultKinds.find((candidate) => candidate === name);
    if (kind === undefined) {
      throw new InvalidArgumentError(`unknown fault '${name}' (${faultKinds.join(', ')})`);
    }
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  return kinds;
}
